// The configuration's cross-field rules (lambda/core/config-rules.ts, docs/configuration.md), stated on the pure
// functions the zod schema, the Lambdas' cold-start check and the CDK app share.
import { describe, expect, it } from '@jest/globals';
import {
  crossFieldIssues,
  type CrossFieldInput,
  issuerIssues,
  KVS_BUDGET_MS,
  needsViewerState,
  overlappingPrefixes,
  revocableIssuers,
} from '../../../lambda/core/config-rules';

const issuer = (name: string, more: Partial<CrossFieldInput['issuers'][number]> = {}) => ({
  issuer: `https://${name}.example.com/`,
  streamPrefix: '',
  ...more,
});

const valid: CrossFieldInput = {
  issuers: [issuer('idp')],
  sessions: { defaultExpiresSeconds: 300, maxExpiresSeconds: 3600 },
  kvs: { maxAttempts: 3, timeoutMs: 3000 },
};

describe('crossFieldIssues', () => {
  it('finds nothing wrong with the defaults', () => {
    expect(crossFieldIssues(valid)).toEqual([]);
  });

  it('lets the default expiry equal the max, and refuses it one second above', () => {
    const sessions = (defaultExpiresSeconds: number) => ({
      ...valid,
      sessions: { defaultExpiresSeconds, maxExpiresSeconds: 3600 },
    });
    expect(crossFieldIssues(sessions(3600))).toEqual([]);
    expect(crossFieldIssues(sessions(3601))).toEqual([
      {
        path: ['sessions', 'defaultExpiresSeconds'],
        message: 'must not exceed sessions.maxExpiresSeconds (3600)',
      },
    ]);
  });

  it('lets 2 KVS calls x maxAttempts x timeoutMs reach the 25 s budget inside API Gateway 29 s, not pass it', () => {
    expect(KVS_BUDGET_MS).toBe(25_000);
    const kvs = (maxAttempts: number, timeoutMs: number) => ({ ...valid, kvs: { maxAttempts, timeoutMs } });
    expect(crossFieldIssues(kvs(5, 2500))).toEqual([]);
    expect(crossFieldIssues(kvs(1, 12_500))).toEqual([]);
    expect(crossFieldIssues(kvs(5, 2501))).toEqual([
      {
        path: ['kvs', 'timeoutMs'],
        message:
          '2 calls x kvs.maxAttempts x kvs.timeoutMs is 25010 ms; it must stay within 25000 ms (API Gateway gives up at 29 s)',
      },
    ]);
  });

  it("adds the issuers' own rules after the sessions and KVS ones", () => {
    const issues = crossFieldIssues({
      issuers: [issuer('a'), issuer('a')],
      sessions: { defaultExpiresSeconds: 600, maxExpiresSeconds: 300 },
      kvs: { maxAttempts: 5, timeoutMs: 25_000 },
    });
    expect(issues.map((i) => i.path.join('.'))).toEqual([
      'sessions.defaultExpiresSeconds',
      'kvs.timeoutMs',
      'issuers.1.issuer',
    ]);
  });
});

describe('issuerIssues', () => {
  const revocationMessage =
    'required with adminScope: it bounds how long a revoked token could stay valid, and so how long a revocation is kept';

  it('requires maxTokenAgeSeconds of an issuer that can revoke (adminScope), since it bounds how long a revocation is kept', () => {
    expect(issuerIssues([issuer('a'), issuer('b', { adminScope: 'kvs/admin' })])).toEqual([
      { path: ['issuers', 1, 'maxTokenAgeSeconds'], message: revocationMessage },
    ]);
  });

  it('accepts adminScope with maxTokenAgeSeconds, and maxTokenAgeSeconds alone', () => {
    expect(issuerIssues([issuer('a', { adminScope: 'kvs/admin', maxTokenAgeSeconds: 3600 })])).toEqual([]);
    expect(issuerIssues([issuer('a', { maxTokenAgeSeconds: 3600 })])).toEqual([]);
  });

  it('names each later copy of an issuer as a duplicate, the first copy not', () => {
    expect(issuerIssues([issuer('a'), issuer('b'), issuer('a'), issuer('a')])).toEqual([
      { path: ['issuers', 2, 'issuer'], message: 'duplicate issuer' },
      { path: ['issuers', 3, 'issuer'], message: 'duplicate issuer' },
    ]);
  });
});

describe('overlappingPrefixes', () => {
  const prefixes = (...streamPrefixes: string[]) =>
    overlappingPrefixes(streamPrefixes.map((streamPrefix) => ({ streamPrefix })));

  it('pairs partners when either prefix starts the other, whichever comes first, once per pair', () => {
    expect(prefixes('acme', 'acmecorp-')).toEqual([[0, 1]]);
    expect(prefixes('acmecorp-', 'acme')).toEqual([[0, 1]]);
    expect(prefixes('acme-', 'acme-')).toEqual([[0, 1]]);
    expect(prefixes('acme-', 'globex-', 'acme-north-')).toEqual([[0, 2]]);
  });

  it('does not pair prefixes that only end alike or share a middle', () => {
    expect(prefixes('north-acme', 'acme')).toEqual([]);
    expect(prefixes('xacmex', 'acme')).toEqual([]);
  });

  it('never pairs the first-party issuer (empty prefix), before or after the partners: it reaches every stream by design', () => {
    expect(prefixes('', 'acme-', 'globex-')).toEqual([]);
    expect(prefixes('acme-', 'globex-', '')).toEqual([]);
    expect(prefixes('', '')).toEqual([]);
  });
});

describe('revocableIssuers and needsViewerState', () => {
  const admin = { adminScope: 'kvs/admin' };
  const plain = {};

  it('revocation is checked when any issuer has an adminScope, wherever it stands', () => {
    expect(revocableIssuers({ issuers: [] })).toBe(false);
    expect(revocableIssuers({ issuers: [plain, plain] })).toBe(false);
    expect(revocableIssuers({ issuers: [plain, admin] })).toBe(true);
    expect(revocableIssuers({ issuers: [admin, plain] })).toBe(true);
  });

  it('the viewer-state table is needed for revocation or for seats, either alone', () => {
    expect(needsViewerState({ issuers: [plain], viewers: {} })).toBe(false);
    expect(needsViewerState({ issuers: [plain, admin], viewers: {} })).toBe(true);
    expect(needsViewerState({ issuers: [plain], viewers: { seatsPerPrincipal: 1 } })).toBe(true);
    expect(needsViewerState({ issuers: [admin], viewers: { seatsPerPrincipal: 2 } })).toBe(true);
  });
});
