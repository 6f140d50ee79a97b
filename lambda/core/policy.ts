// The authorizer's IAM policy (docs/ARCHITECTURE.md): it lists EVERY stream the token grants, never just the one asked
// for, so the policy API Gateway caches per token can neither over-grant nor wrongly deny another stream.
import { createHash } from 'node:crypto';
import { grantsFromClaim, readGrants, type Grant, type GrantSource } from './grants';

export interface PolicyStatement {
  Action: 'execute-api:Invoke';
  Effect: 'Allow' | 'Deny';
  Resource: string[];
}

export interface AuthorizerPolicy {
  principalId: string;
  policyDocument: { Version: '2012-10-17'; Statement: PolicyStatement[] };
  context: Record<string, string>;
}

/** What the authorizer hands the broker through API Gateway (values must be strings). */
export interface AuthorizerContext {
  sub: string;
  issuer: string;
  /** The token's `exp` (NumericDate): API Gateway reuses a cached context until its TTL, so the broker re-checks it. */
  exp: number;
  grants: Grant[];
}

/** The authorizer's whole answer (policy and context, serialised) stays under this (SECURITY.md). */
export const MAX_ANSWER_BYTES = 8 * 1024;

/** Whether an answer serialises under MAX_ANSWER_BYTES of UTF-8; most are clearly under (3 bytes a unit at most). */
function fits(answer: AuthorizerPolicy): boolean {
  const json = JSON.stringify(answer);
  // The byte count below decides alike, and 3 * length is never 8192: the shortcut's mutants are equivalent.
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a shortcut only, see above
  if (json.length * 3 < MAX_ANSWER_BYTES) return true;
  return Buffer.byteLength(json) < MAX_ANSWER_BYTES;
}

/** SHA-256 (base64url) of the grants as the context would carry them: binds grants re-read from the token. */
export function grantsDigest(grants: readonly Grant[]): string {
  return createHash('sha256').update(JSON.stringify(grants)).digest('base64url');
}

/**
 * The context: sub, issuer, exp and the grants. When the grants do not fit the answer, `grants` is left out and
 * `grantsDigest` stands in: the broker re-reads them from the token claims it receives (see contextGrants).
 */
export function encodeContext(context: AuthorizerContext, withGrants = true): Record<string, string> {
  return {
    sub: context.sub,
    issuer: context.issuer,
    exp: String(context.exp),
    ...(withGrants
      ? { grants: JSON.stringify(context.grants) }
      : { grantsDigest: grantsDigest(context.grants) }),
  };
}

/**
 * The grants an authorizer context stands for: its `grants`, or, when the authorizer left them out for size, the
 * grants re-read from the token's claims (the token in the request's Authorization header is the one the
 * authorizer verified: it is the authorizer cache's identity source), which must hash to `grantsDigest`.
 * Undefined means the context is unusable: fail closed (401).
 */
export function contextGrants(
  context: Record<string, unknown>,
  claims: Record<string, unknown> | undefined,
  source: GrantSource | undefined,
): Grant[] | undefined {
  if (typeof context.grants === 'string') {
    try {
      const raw: unknown = JSON.parse(context.grants);
      return Array.isArray(raw) ? grantsFromClaim(raw).grants : undefined;
    } catch {
      return undefined;
    }
  }
  // Stryker disable next-line ConditionalExpression: a shortcut: a non-string never equals the digest below
  if (typeof context.grantsDigest !== 'string') return undefined;
  if (!claims || !source) return undefined;
  if (claims.sub !== context.sub || claims.iss !== context.issuer || String(claims.exp) !== context.exp) {
    return undefined;
  }
  const { grants } = readGrants(claims, source);
  return grantsDigest(grants) === context.grantsDigest ? grants : undefined;
}

/**
 * The `arn:…:execute-api:region:account:apiId/stage` part of a method ARN
 * (`…:apiId/stage/VERB/path`), or undefined when the ARN is not of that shape.
 */
export function apiStageArn(methodArn: string): string | undefined {
  const match = /^(arn:[^:]+:execute-api:[^:]*:[^:]*:[^/]+\/[^/]+)\/[A-Z*]+\//.exec(methodArn);
  return match?.[1];
}

/**
 * A stream pattern widened to reach at most `keep` characters before its `*` (Infinity: unchanged). A wider pattern
 * always covers the narrower one; `*` alone covers all.
 */
function widen(pattern: string, keep: number): string {
  // Stryker disable next-line MethodExpression: a stem keeping its final `*` widens alike (cut, re-starred)
  const stem = pattern.endsWith('*') ? pattern.slice(0, -1) : pattern;
  return stem.length <= keep ? pattern : `${stem.slice(0, keep)}*`;
}

/** The path parameter that `each-grant` policies replace with a grant's stream pattern. */
export const STREAM_NAME_PARAMETER = 'streamName';

/**
 * What the policy needs of a route (lambda/contract/routes.ts ApiRoute): the caller compiles its route table once
 * (compilePolicyPaths) and passes it in, so the domain does not import the HTTP contract.
 */
export interface PolicyRoute {
  readonly method: string;
  readonly path: string;
  readonly authorizer: 'jwt' | 'none';
  readonly policy?: 'each-grant' | 'any-caller' | 'any-grant';
  /** `each-grant` routes: listed only for grants with one of these modes (the WebRTC route). @default every grant */
  readonly grantModes?: readonly string[];
}

/** The guarded routes' resource paths: `any-caller` and `any-grant` ones whole, `each-grant` ones split at the stream. */
export interface PolicyPaths {
  readonly anyCaller: readonly string[];
  readonly anyGrant: readonly string[];
  readonly eachGrant: readonly {
    readonly parts: readonly string[];
    readonly grantModes?: readonly string[];
  }[];
}

/** A granted stream pattern, with the modes of its grant (a bare pattern: a grant without WEBRTC). */
export type PolicyPattern = string | { readonly stream: string; readonly modes: readonly string[] };

export function compilePolicyPaths(routes: readonly PolicyRoute[]): PolicyPaths {
  const guarded = routes.filter((r) => r.authorizer === 'jwt');
  const pathsOf = (policy: PolicyRoute['policy']) =>
    guarded.filter((r) => r.policy === policy).map((r) => `/${r.method}${r.path}`);
  return {
    anyCaller: pathsOf('any-caller'),
    anyGrant: pathsOf('any-grant'),
    eachGrant: eachGrantPaths(guarded),
  };
}

/**
 * `each-grant` paths split at the stream, one per method and grant modes: the route itself when it is alone, else
 * `/{METHOD}/v1/streams/{streamName}/*` for several (GET: timeline, images, clip). The policy grows by one resource
 * per method and grant, not per route (it must stay under 8 KB), and never allows an unlisted method; a route for
 * some modes only (POST .../webrtc) keeps its own path, so a wildcard never lists it for other grants.
 */
function eachGrantPaths(guarded: readonly PolicyRoute[]): PolicyPaths['eachGrant'] {
  const each = guarded.filter((r) => r.policy === 'each-grant');
  const keyOf = (r: PolicyRoute) => `${r.method} ${r.grantModes?.join(',') ?? ''}`;
  return [...new Set(each.map(keyOf))].map((key) => {
    const routes = each.filter((r) => keyOf(r) === key);
    const { method, grantModes } = routes[0]!;
    const path = routes.length === 1 ? routes[0]!.path : `/v1/streams/{${STREAM_NAME_PARAMETER}}/*`;
    return {
      parts: `/${method}${path}`.split(`{${STREAM_NAME_PARAMETER}}`),
      ...(grantModes ? { grantModes } : {}),
    };
  });
}

/**
 * The execute-api resources (`{stageArn}/{METHOD}{path}`) a token with these stream patterns may invoke:
 * `each-grant` routes once per pattern, `any-caller` routes once, `any-grant` routes once when there is a pattern.
 * Open routes need no policy.
 */
export function policyResources(
  stageArn: string,
  streamPatterns: readonly PolicyPattern[],
  paths: PolicyPaths,
): string[] {
  // Routes of the whole token first: the policy reads as "discovery, the grid, then each granted stream".
  const resources = new Set<string>(paths.anyCaller.map((path) => stageArn + path));
  if (streamPatterns.length > 0) for (const path of paths.anyGrant) resources.add(stageArn + path);
  for (const pattern of streamPatterns) {
    // Stryker disable next-line ArrayDeclaration: a placeholder mode is none of the grant modes routes list
    const { stream, modes } = typeof pattern === 'string' ? { stream: pattern, modes: [] } : pattern;
    for (const { parts, grantModes } of paths.eachGrant) {
      // A route for some modes only (the WebRTC one) is listed for the grants that have one of them.
      if (grantModes === undefined || grantModes.some((m) => modes.includes(m)))
        resources.add(stageArn + parts.join(stream));
    }
  }
  return [...resources];
}

/**
 * Resources a token may invoke (the route table's guarded routes): discovery, and the session route of each
 * granted stream pattern. With `keep`, patterns are widened to their first `keep` characters (merging those
 * that share them) to bound the policy size.
 */
export function grantedResources(
  stageArn: string,
  grants: readonly Grant[],
  paths: PolicyPaths,
  keep = Infinity,
): string[] {
  return policyResources(
    stageArn,
    grants.map((g) => ({ stream: widen(g.stream, keep), modes: g.modes })),
    paths,
  );
}

/** What one answer is built from. */
interface Draft {
  stageArn: string;
  context: AuthorizerContext;
  paths: PolicyPaths;
}

function answer({ stageArn, context, paths }: Draft, keep: number, withGrants: boolean): AuthorizerPolicy {
  return {
    principalId: context.sub,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'execute-api:Invoke',
          Effect: 'Allow',
          Resource: grantedResources(stageArn, context.grants, paths, keep),
        },
      ],
    },
    context: encodeContext(context, withGrants),
  };
}

/** The longest answer, by `keep`, that fits MAX_ANSWER_BYTES (size grows with `keep`: binary search). */
function fittingAnswer(draft: Draft, withGrants: boolean) {
  const build = (keep: number) => answer(draft, keep, withGrants);
  const exact = build(Infinity);
  if (fits(exact)) return exact;
  let [lo, hi] = [0, 256]; // stream patterns are at most 256 characters: keep >= 256 is exact
  if (!fits(build(lo))) return undefined;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (fits(build(mid))) lo = mid;
    else hi = mid;
  }
  return build(lo);
}

/**
 * What the exact answer of one grant set looks like, whoever holds it: its resources and its size in bytes with an
 * empty `sub` and `exp`. Kept per grant set by the caller (PolicyMemo): many tokens share a grant set.
 */
interface AnswerShape {
  resources: readonly string[];
  grantsJson: string;
  bytes: number;
}

/** An authorizer instance's memory of answer shapes by stage, issuer and grant set (bounded; core keeps no state). */
export interface PolicyMemo {
  shapes: Map<string, AnswerShape>;
  maxEntries: number;
}

export const createPolicyMemo = (maxEntries = 1000): PolicyMemo => ({ shapes: new Map(), maxEntries });

// Its texts are JSON (they hold an ASCII `"`): a mutated test only misses, and Buffer.byteLength counts the same.
// Stryker disable Regex: a shortcut only, see above
/** UTF-8 bytes of a short JSON text: its length when it is ASCII (the usual sub). */
// eslint-disable-next-line no-control-regex -- ASCII is U+0000..U+007F
const utf8Length = (text: string) => (/^[\x00-\x7f]*$/.test(text) ? text.length : Buffer.byteLength(text));
// Stryker restore Regex

function exactAnswer(
  context: AuthorizerContext,
  resources: readonly string[],
  grantsJson: string,
): AuthorizerPolicy {
  return {
    principalId: context.sub,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [...resources] }],
    },
    context: { sub: context.sub, issuer: context.issuer, exp: String(context.exp), grants: grantsJson },
  };
}

/** The exact answer from the memo's shape of this grant set, when it fits; undefined otherwise. */
function memoisedAnswer(memo: PolicyMemo, { stageArn, context, paths }: Draft): AuthorizerPolicy | undefined {
  const grantsJson = JSON.stringify(context.grants);
  const key = `${stageArn}\n${context.issuer}\n${grantsJson}`;
  let shape = memo.shapes.get(key);
  if (!shape) {
    const resources = grantedResources(stageArn, context.grants, paths);
    const empty = exactAnswer({ ...context, sub: '', exp: '' as unknown as number }, resources, grantsJson);
    shape = { resources, grantsJson, bytes: utf8Length(JSON.stringify(empty)) };
    if (memo.shapes.size >= memo.maxEntries) memo.shapes.clear();
    memo.shapes.set(key, shape);
  }
  // `sub` appears twice (principalId, context.sub); `exp` once, as digits.
  const bytes = shape.bytes + 2 * (utf8Length(JSON.stringify(context.sub)) - 2) + String(context.exp).length;
  return bytes < MAX_ANSWER_BYTES ? exactAnswer(context, shape.resources, shape.grantsJson) : undefined;
}

/**
 * The authorizer's Allow answer, under MAX_ANSWER_BYTES: exact when it fits; else stream patterns merged on shared
 * leading characters (the gateway then lets more through, and the broker's grant check, which reads the exact
 * grants, refuses those with the same 403); else, in addition, the grants left out of the context (contextGrants).
 * Undefined when the method ARN is not API Gateway's. With a memo, the exact answer of a grant set seen before
 * costs no policy building and no serialising (the same answer as without).
 */
export function allowPolicy(
  methodArn: string,
  context: AuthorizerContext,
  paths: PolicyPaths,
  memo?: PolicyMemo,
): AuthorizerPolicy | undefined {
  const stageArn = apiStageArn(methodArn);
  if (!stageArn) return undefined;
  const draft: Draft = { stageArn, context, paths };
  return (
    (memo && memoisedAnswer(memo, draft)) ??
    fittingAnswer(draft, true) ??
    fittingAnswer(draft, false) ??
    answer(draft, 0, false)
  );
}
