// The deployed API's rate limits (SECURITY.md, Floods; README, Limits and cost): one table of AWS WAF rate-based
// rules, read by the construct's web ACL (lib/ip-rate-limit.ts) and by the local gateway (local/gateway), which
// counts and answers exactly as the web ACL does.
import { staticCorsHeaders } from '../core/cors';
import { ERROR_STATUS } from '../core/errors';

/**
 * WAF custom response bodies are static (no templates), so the body cannot carry API Gateway's request id; it names
 * where the refusal came from instead. The shape is the contract's error body all the same.
 */
export const WAF_REQUEST_ID = 'waf-rate-limit';

export interface RateLimitSettings {
  readonly limit: number;
  readonly windowSeconds: number;
}

/** The config's `api` fields that hold the two limits (`false`: that rule is not made). */
export interface RateLimitConfig {
  readonly tokenRateLimit: RateLimitSettings | false;
  readonly ipRateLimit: RateLimitSettings | false;
}

/**
 * The header whose value keys the per-token rule: each distinct `Authorization` value is one aggregation instance,
 * and a request without it is not counted by that rule (AWS WAF API reference, RateLimitHeader and
 * RateBasedStatementCustomKey: "Web requests that are missing any of the components specified in the aggregation
 * keys are omitted from the rate-based rule evaluation"). API Gateway refuses such a request with 401 before any
 * Lambda runs, and the per-IP rule still counts it.
 */
export const TOKEN_KEY_HEADER = 'Authorization';

export interface RateLimitRule {
  /** What the rule counts by: the client's source address, or the bearer token (the `Authorization` value). */
  readonly key: 'ip' | 'token';
  readonly configField: keyof RateLimitConfig;
  /** The WAF rule's name, also the suffix of its CloudWatch metric name. */
  readonly ruleName: string;
  readonly metricSuffix: string;
  /** The web ACL's custom response body key (pattern [\w-]+). */
  readonly bodyKey: string;
  readonly message: string;
}

/**
 * In WAF's evaluation order (rule priority = index): the per-IP flood guard first, so that a flood of invented
 * tokens from one address ends there; a request it blocks is not counted by the per-token rule (a terminating
 * action ends the web ACL's evaluation).
 */
export const RATE_LIMIT_RULES: readonly RateLimitRule[] = [
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
];

/** The rules a config turns on, each with its settings, in evaluation order. */
export function activeRateLimits(
  config: RateLimitConfig,
): { rule: RateLimitRule; settings: RateLimitSettings }[] {
  return RATE_LIMIT_RULES.flatMap((rule) => {
    const settings = config[rule.configField];
    return settings ? [{ rule, settings }] : [];
  });
}

/**
 * What a client over a limit gets: 429 THROTTLED, `Retry-After` of one evaluation window (after a window without
 * requests the key's count is zero, whatever WAF's check cycle), and static CORS headers by the gateway responses'
 * rule (one origin or `*`; none with several, so that no origin outside the list is ever named).
 */
export function rateLimitedResponse(
  rule: RateLimitRule,
  settings: RateLimitSettings,
  allowOrigins: readonly string[],
) {
  return {
    statusCode: ERROR_STATUS.THROTTLED,
    headers: {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      'Retry-After': String(settings.windowSeconds),
      ...staticCorsHeaders(allowOrigins),
    },
    body: JSON.stringify({ error: { code: 'THROTTLED', message: rule.message }, requestId: WAF_REQUEST_ID }),
  };
}
