// The broker's one configuration document (docs/configuration.md): schema, defaults and validation.
// Shared by the CDK app (synth fails on a bad document) and the Lambdas (validated once at init).
import * as z from 'zod';
import { CORS_ORIGIN } from './cors';
import {
  ASYMMETRIC_ALGORITHMS,
  crossFieldIssues,
  DEFAULT_MAX_GRANTS_PER_TOKEN,
  fieldPath,
  KVS_MAX_EXPIRES_SECONDS,
  KVS_MIN_EXPIRES_SECONDS,
  MAX_GRANTS_PER_TOKEN_CEILING,
  MAX_SEATS_PER_PRINCIPAL,
  STATE_BUDGET_MS,
  SCOPE_PREFIX,
  STREAM_NAME,
  STREAM_PATTERN,
} from './config-rules';

export * from './config-rules';

/**
 * AWS WAF rate-based rules (AWS WAF developer guide, "Rate-based rule high-level settings"): the evaluation window
 * is 60, 120, 300 or 600 s, the lowest rate limit is 10, and WAF checks the rate about every 10 s, so a client
 * can exceed the limit for that long before it is blocked.
 */
export const WAF_EVALUATION_WINDOWS = [60, 120, 300, 600] as const;
export const WAF_MIN_RATE_LIMIT = 10;
/** WAF's highest rate-based rule limit (CloudFormation AWS::WAFv2::WebACL RateBasedStatement Limit). */
export const WAF_MAX_RATE_LIMIT = 2_000_000_000;
/**
 * Per bearer token (README, Limits and cost): 60 requests a minute, one a second on average, many times what a player
 * that renews its session or a wall of cameras needs, so ten users behind one address are ten budgets.
 */
export const DEFAULT_TOKEN_RATE_LIMIT = { limit: 60, windowSeconds: 60 } as const;
/**
 * Per client IP, a flood guard only (README, Limits and cost): 1000 per 5 minutes, which an honest shared address
 * (carrier NAT, an office, a control room) does not reach, and which still stops one address from spending the stage
 * throttle signed-in users share.
 */
export const DEFAULT_IP_RATE_LIMIT = { limit: 1000, windowSeconds: 300 } as const;

const expirySeconds = z.number().int().min(KVS_MIN_EXPIRES_SECONDS).max(KVS_MAX_EXPIRES_SECONDS);
const streamPattern = z
  .string()
  .regex(STREAM_PATTERN, 'must be a stream name of [a-zA-Z0-9_.-], a prefix ending in *, or *');

/** `false`, or the WAF rule's settings; false is mapped through null so that errors name the bad field. */
const rateLimitSchema = (byDefault: { readonly limit: number; readonly windowSeconds: number }) =>
  z
    .preprocess(
      (v) => (v === false ? null : v),
      z
        .strictObject({
          limit: z.number().int().min(WAF_MIN_RATE_LIMIT).max(WAF_MAX_RATE_LIMIT),
          windowSeconds: z.number().refine((w) => (WAF_EVALUATION_WINDOWS as readonly number[]).includes(w), {
            message: `must be one of AWS WAF's evaluation windows: ${WAF_EVALUATION_WINDOWS.join(', ')} s`,
          }),
        })
        .nullable(),
    )
    .transform((v) => v ?? (false as const))
    .default(byDefault);

const issuerSchema = z.strictObject({
  issuer: z.string().min(1),
  jwksUri: z.url(),
  audience: z.string().min(1),
  /**
   * The claim that must equal `audience`: `aud` (RFC 7519; contains it), or `client_id` for Amazon Cognito access
   * tokens, which carry the app client id there and have no `aud` (Cognito Developer Guide, "Understanding the
   * access token"). With `client_id`, an ID token of the same pool (its `aud` is the client id, it has no
   * `client_id`) does not pass as an access token.
   */
  audienceClaim: z.enum(['aud', 'client_id']).default('aud'),
  algorithms: z.array(z.enum(ASYMMETRIC_ALGORITHMS)).min(1).default(['RS256', 'ES256']),
  grantsFrom: z.enum(['claim', 'scope']).default('claim'),
  grantsClaim: z.string().min(1).default('kvs'),
  scopePrefix: z.string().regex(SCOPE_PREFIX, 'must be letters, digits or _.-/').default('kvs'),
  streamPrefix: z
    .string()
    .regex(/^[a-zA-Z0-9_.-]{0,255}$/, 'must be empty or up to 255 of [a-zA-Z0-9_.-]')
    .default(''),
  // --- Token hygiene (SECURITY.md) ---
  /**
   * Required JOSE header `typ`, compared case-insensitively with an optional `application/` prefix (RFC 8725
   * section 3.11: an ID token of the same issuer and audience must not pass as an access token; RFC 9068 `at+jwt`).
   */
  typ: z
    .string()
    .regex(/^[a-zA-Z0-9.+\-/]{1,64}$/, 'must be a media type such as at+jwt')
    .optional(),
  /** Refuse tokens issued longer ago than this (then `iat` is required). */
  maxTokenAgeSeconds: z.number().int().min(60).max(31_536_000).optional(),
  // --- Viewer control (docs/api.md, Revocation) ---
  /**
   * The scope (in `scope` or `scp`) that lets a token of this issuer revoke this issuer's subjects and tokens.
   * Absent: this issuer cannot revoke. Requires `maxTokenAgeSeconds`, which bounds how long a revocation is kept.
   */
  adminScope: z
    .string()
    .regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/, 'must be an OAuth2 scope token (RFC 6749 section 3.3)')
    .optional(),
});

const LOCAL_HOST_NAME = /^(\[[0-9a-fA-F:.]{2,45}\]|[a-zA-Z0-9]([a-zA-Z0-9.-]{0,251}[a-zA-Z0-9])?)$/;

const localStreamSchema = z.strictObject({
  name: z.string().regex(STREAM_NAME, 'must be 1..256 of [a-zA-Z0-9_.-]'),
  dataRetentionInHours: z.number().int().min(0).max(87600).default(24),
  mediaType: z.string().min(1).default('video/h264'),
  /** A motion-triggered camera: media only in the first forSeconds of every everySeconds (from the Unix epoch). */
  recording: z
    .strictObject({
      everySeconds: z.number().int().min(2).max(86400),
      forSeconds: z.number().int().min(1),
    })
    .refine((r) => r.forSeconds < r.everySeconds, {
      message: 'forSeconds must be less than everySeconds',
      path: ['forSeconds'],
    })
    .optional(),
});

export const configSchema = z
  .strictObject({
    issuers: z.array(issuerSchema).min(1),
    sessions: z
      .strictObject({
        defaultExpiresSeconds: expirySeconds.default(300),
        maxExpiresSeconds: expirySeconds.default(3600),
        /**
         * Cap each session at the token's `exp`. KVS refuses an Expires below 300 s, so a token with less left still
         * gets 300 s: the session outlives it by less than 300 s (see decision.ts).
         */
        capAtTokenExpiry: z.boolean().default(false),
      })
      .prefault({}),
    streams: z.array(streamPattern).min(1).default(['*']),
    clockToleranceSeconds: z.number().int().min(0).max(300).default(30),
    cors: z
      .strictObject({
        allowOrigins: z
          .array(z.string().regex(CORS_ORIGIN, "must be '*' or an origin such as https://app.example.com"))
          .default([]),
      })
      .prefault({}),
    api: z
      .strictObject({
        /** API Gateway authorizer result cache; 0 turns caching off. */
        authorizerCacheTtlSeconds: z.number().int().min(0).max(3600).default(300),
        throttlingRateLimit: z.number().positive().default(50),
        throttlingBurstLimit: z.number().int().positive().default(100),
        /** Per bearer token (SECURITY.md, Floods): an AWS WAF rate-based rule keyed on `Authorization`; the same locally. */
        tokenRateLimit: rateLimitSchema(DEFAULT_TOKEN_RATE_LIMIT),
        /** Per-client-IP flood guard (SECURITY.md, Floods): an AWS WAF rate-based rule by IP; the same locally. */
        ipRateLimit: rateLimitSchema(DEFAULT_IP_RATE_LIMIT),
      })
      .prefault({}),
    kvs: z
      .strictObject({
        /** Per-attempt timeout of each KVS call. */
        timeoutMs: z.number().int().min(100).max(25000).default(3000),
        maxAttempts: z.number().int().min(1).max(5).default(3),
        dataEndpointTtlSeconds: z.number().int().min(0).max(86400).default(300),
      })
      .prefault({}),
    // --- Limits (SECURITY.md) ---
    limits: z
      .strictObject({
        /** A token with more grants is refused (401): the authorizer's answer must stay under 8 KB. */
        maxGrantsPerToken: z
          .number()
          .int()
          .min(1)
          .max(MAX_GRANTS_PER_TOKEN_CEILING)
          .default(DEFAULT_MAX_GRANTS_PER_TOKEN),
      })
      .prefault({}),
    // --- Viewer control (docs/api.md, Seats) ---
    viewers: z
      .strictObject({
        /** Viewers (viewerIds with an unexpired session) one principal may hold at once. Absent: no limit. */
        seatsPerPrincipal: z.number().int().min(1).max(MAX_SEATS_PER_PRINCIPAL).optional(),
      })
      .prefault({}),
    /** The viewer-state table's calls (revocations, seats): the KVS deadline rules, with their own numbers. */
    state: z
      .strictObject({
        /** Per-attempt timeout of each DynamoDB call. */
        timeoutMs: z.number().int().min(50).max(STATE_BUDGET_MS).default(500),
        maxAttempts: z.number().int().min(1).max(5).default(3),
      })
      .prefault({}),
    metrics: z
      .strictObject({
        /**
         * Add a StreamName dimension to SessionsIssued: one more custom metric per stream that gets a session, each
         * billed monthly (README, "Metric costs"). Off: sessions per stream come from the audit lines instead.
         */
        perStreamDimensions: z.boolean().default(false),
      })
      .prefault({}),
    local: z
      .strictObject({
        streams: z.array(localStreamSchema).default([]),
        enforceQuotas: z.boolean().default(true),
        /**
         * Host names the local server answers besides loopback ones (localhost, 127.0.0.0/8, [::1]); any other `Host`
         * is refused (SECURITY.md, Local mode: DNS rebinding).
         */
        allowedHosts: z
          .array(
            z
              .string()
              .regex(LOCAL_HOST_NAME, 'must be a host name or a bracketed IPv6 address, without port'),
          )
          .default([]),
      })
      .optional(),
  })
  .superRefine((config, ctx) => {
    for (const issue of crossFieldIssues(config)) ctx.addIssue({ code: 'custom', ...issue });
  });

export type BrokerConfig = z.output<typeof configSchema>;
/** A configuration document as written: fields with defaults are optional. */
export type BrokerConfigInput = z.input<typeof configSchema>;
export type IssuerConfig = BrokerConfig['issuers'][number];
export type LocalStreamConfig = NonNullable<BrokerConfig['local']>['streams'][number];

/** A configuration document that cannot be used: raised once, at synth or cold start, never per request. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: string[]) {
    super(`Invalid kvs-session-broker configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
  }
}

export interface ParseConfigOptions {
  /**
   * Local mode lets a jwksUri use plain http on a loopback host (127.0.0.0/8, ::1, localhost).
   * @default false
   */
  local?: boolean;
}

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK_HOSTS.test(url.hostname);
}

/** Validates and normalises a configuration document; throws ConfigError listing every problem by field. */
export function parseConfig(input: unknown, options: ParseConfigOptions = {}): BrokerConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${fieldPath(i.path) || '(document)'}: ${i.message}`),
    );
  }
  const config = result.data;
  const issues: string[] = [];
  config.issuers.forEach((issuer, i) => {
    const url = new URL(issuer.jwksUri);
    const localHttp = options.local === true && url.protocol === 'http:' && isLoopbackUrl(url);
    if (url.protocol !== 'https:' && !localHttp) {
      issues.push(
        `issuers[${i}].jwksUri: must be https${options.local ? ' (plain http only on a loopback host)' : ''}`,
      );
    }
  });
  if (issues.length > 0) throw new ConfigError(issues);
  return config;
}
