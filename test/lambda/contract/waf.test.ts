// The rate-limit table (lambda/contract/waf.ts) that the web ACL (lib/ip-rate-limit.ts) and the local gateway both
// read: its rules in WAF's evaluation order, which of them a config turns on, and the 429 a limited client gets
// (SECURITY.md, Floods; README, Limits and cost).
import { describe, expect, it } from '@jest/globals';
import {
  activeRateLimits,
  RATE_LIMIT_RULES,
  rateLimitedResponse,
  TOKEN_KEY_HEADER,
  WAF_REQUEST_ID,
  type RateLimitConfig,
} from '../../../lambda/contract/waf';

const ip = { limit: 1000, windowSeconds: 300 };
const token = { limit: 100, windowSeconds: 60 };
const [ipRule, tokenRule] = RATE_LIMIT_RULES;

describe('RATE_LIMIT_RULES', () => {
  it('holds the per-IP rule first, then the per-token rule (rule priority = index)', () => {
    expect(RATE_LIMIT_RULES).toEqual([
      {
        key: 'ip',
        configField: 'ipRateLimit',
        ruleName: 'PerClientIpRateLimit',
        metricSuffix: 'per-ip',
        bodyKey: 'throttled-ip',
        message: 'Too many requests from this address; retry later',
      },
      {
        key: 'token',
        configField: 'tokenRateLimit',
        ruleName: 'PerTokenRateLimit',
        metricSuffix: 'per-token',
        bodyKey: 'throttled-token',
        message: 'Too many requests with this token; retry later',
      },
    ]);
  });

  it('names custom response body keys and rule names as WAF accepts them', () => {
    for (const rule of RATE_LIMIT_RULES) {
      // CustomResponseBodies keys: [\w\-]+; rule names: [\w\-]+, 1..128 (AWS WAF API reference, Rule.Name)
      expect(rule.bodyKey).toMatch(/^[\w-]+$/);
      expect(rule.ruleName).toMatch(/^[\w-]{1,128}$/);
    }
    expect(new Set(RATE_LIMIT_RULES.map((r) => r.bodyKey)).size).toBe(RATE_LIMIT_RULES.length);
  });

  it('keys the per-token rule on the Authorization header, and names WAF as the request id', () => {
    expect(TOKEN_KEY_HEADER).toBe('Authorization');
    expect(WAF_REQUEST_ID).toBe('waf-rate-limit');
  });
});

describe('activeRateLimits', () => {
  it('turns both rules on, per-IP first, each with its own settings', () => {
    expect(activeRateLimits({ ipRateLimit: ip, tokenRateLimit: token })).toEqual([
      { rule: ipRule, settings: ip },
      { rule: tokenRule, settings: token },
    ]);
  });

  it.each<[string, RateLimitConfig, string[]]>([
    ['ipRateLimit false: only the per-token rule', { ipRateLimit: false, tokenRateLimit: token }, ['token']],
    ['tokenRateLimit false: only the per-IP rule', { ipRateLimit: ip, tokenRateLimit: false }, ['ip']],
    ['both false: no rule at all', { ipRateLimit: false, tokenRateLimit: false }, []],
  ])('makes no rule for a limit set to false (%s)', (_name, config, keys) => {
    const active = activeRateLimits(config);
    expect(active.map((a) => a.rule.key)).toEqual(keys);
    for (const a of active) expect(a.settings).toBe(config[a.rule.configField]);
  });
});

describe('rateLimitedResponse', () => {
  it('answers 429 THROTTLED with the rule message, WAF as request id, Retry-After of one window, no-store', () => {
    const res = rateLimitedResponse(tokenRule!, token, []);
    expect(res).toEqual({
      statusCode: 429,
      headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Retry-After': '60' },
      body: expect.any(String),
    });
    expect(JSON.parse(res.body)).toEqual({
      error: { code: 'THROTTLED', message: 'Too many requests with this token; retry later' },
      requestId: 'waf-rate-limit',
    });
    const perIp = rateLimitedResponse(ipRule!, ip, []);
    expect(perIp.headers['Retry-After']).toBe('300');
    expect(JSON.parse(perIp.body).error.message).toBe('Too many requests from this address; retry later');
  });

  it('names one allowed origin, or *, and no origin when several are allowed', () => {
    const origin = (allow: string[]) =>
      (rateLimitedResponse(ipRule!, ip, allow).headers as Record<string, string>)[
        'Access-Control-Allow-Origin'
      ];
    expect(origin(['https://app.example.com'])).toBe('https://app.example.com');
    expect(origin(['https://a.example.com', '*'])).toBe('*');
    expect(origin(['https://a.example.com', 'https://b.example.com'])).toBeUndefined();
    expect(origin([])).toBeUndefined();
  });
});
