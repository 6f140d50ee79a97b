// The configuration document as an adopter writes it (docs/configuration.md): written by hand so that every field
// has its documentation on hover and its exact type, and tied to the schema's own types by
// test/lib/broker-config-input.test.ts, so the two cannot drift. Validation is the schema's (lambda/core/config.ts).

/** JWS algorithms an issuer may allow: asymmetric only (`none` and HS* can never be configured). */
export type JwsAlgorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA'
  | 'Ed25519';

/** One trusted identity provider (docs/tokens.md). */
export interface IssuerConfigInput {
  /** The token's `iss`, matched exactly (mind a trailing slash). */
  readonly issuer: string;
  /** The issuer's JWKS URL: https (plain http only for a loopback host in local mode). */
  readonly jwksUri: string;
  /** The audience the token must name (in `aud`, or in `client_id` with `audienceClaim: 'client_id'`). */
  readonly audience: string;
  /**
   * Where `audience` must appear: `aud`, or `client_id` for Amazon Cognito access tokens (no `aud`). A token that
   * carries `aud` must name the audience there whatever this says.
   * @default 'aud'
   */
  readonly audienceClaim?: 'aud' | 'client_id';
  /** Signature algorithms accepted from this issuer. @default ['RS256', 'ES256'] */
  readonly algorithms?: readonly JwsAlgorithm[];
  /** Where grants come from: a structured claim, or OAuth2 scopes `<scopePrefix>:<MODE>:<stream>`. @default 'claim' */
  readonly grantsFrom?: 'claim' | 'scope';
  /** The claim holding the JSON array of grants (with `grantsFrom: 'claim'`). @default 'kvs' */
  readonly grantsClaim?: string;
  /** The prefix of scope grants: letters, digits or `_.-/` (with `grantsFrom: 'scope'`). @default 'kvs' */
  readonly scopePrefix?: string;
  /**
   * Tenant confinement: this issuer's grants only ever reach streams starting with it, whatever they claim. Empty:
   * the operator's own issuer, which reaches every stream. Up to 255 of `[a-zA-Z0-9_.-]`.
   * @default ''
   */
  readonly streamPrefix?: string;
  /** Required JOSE header `typ` (e.g. `at+jwt`, RFC 9068), so an ID token cannot pass as an access token. */
  readonly typ?: string;
  /** Refuse tokens issued longer ago than this many seconds, 60..31536000 (then `iat` is required). */
  readonly maxTokenAgeSeconds?: number;
}

/** An AWS WAF rate-based rule, per bearer token or per client IP (README "Floods, browsers, local limits"). */
export interface RateLimitRule {
  /** Requests per window and key (token or client IP), 10..2000000000. */
  readonly limit: number;
  /** WAF's evaluation window: 60, 120, 300 or 600 seconds (synth refuses others). */
  readonly windowSeconds: number;
}

/** An emulated stream of local mode. */
export interface LocalStreamConfigInput {
  /** The stream name: 1..256 of `[a-zA-Z0-9_.-]`. */
  readonly name: string;
  /** Hours of media KVS keeps, 0..87600 (0: live only, archive playback refused). @default 24 */
  readonly dataRetentionInHours?: number;
  /** The stream's media type. @default 'video/h264' */
  readonly mediaType?: string;
}

/** The broker configuration document (docs/configuration.md); every field with a default may be left out. */
export interface BrokerConfigInput {
  /** The identity providers whose tokens are accepted: at least one. */
  readonly issuers: readonly IssuerConfigInput[];
  /** Session expiry bounds, seconds (KVS allows 300..43200). */
  readonly sessions?: {
    /** Expiry when the request names none, 300..43200, at most `maxExpiresSeconds`. @default 300 */
    readonly defaultExpiresSeconds?: number;
    /** The longest expiry any request gets, 300..43200. @default 3600 */
    readonly maxExpiresSeconds?: number;
    /** Cap each session at the token's `exp` (never below KVS's 300 s minimum). @default false */
    readonly capAtTokenExpiry?: boolean;
  };
  /**
   * The streams the broker's IAM role may reach: names, prefixes ending in `*`, or `*`. Grants never reach beyond.
   * @default ['*']
   */
  readonly streams?: readonly string[];
  /** Clock skew tolerated on `exp`, `nbf` and `iat`, 0..300 seconds. @default 30 */
  readonly clockToleranceSeconds?: number;
  /** Browser access (CORS). */
  readonly cors?: {
    /** Origins allowed to call the API from a browser (`https://app.example.com`), or `['*']`. @default [] */
    readonly allowOrigins?: readonly string[];
  };
  /** API Gateway settings. */
  readonly api?: {
    /** Seconds API Gateway caches the authorizer's answer per token, 0..3600 (0: off). @default 300 */
    readonly authorizerCacheTtlSeconds?: number;
    /** Stage throttling: steady requests per second for all callers together. @default 50 */
    readonly throttlingRateLimit?: number;
    /** Stage throttling: burst size for all callers together. @default 100 */
    readonly throttlingBurstLimit?: number;
    /**
     * The per-bearer-token rate limit (an AWS WAF rate-based rule keyed on `Authorization` deployed, the same
     * limit locally), or `false` for none.
     * @default { limit: 60, windowSeconds: 60 }
     */
    readonly tokenRateLimit?: RateLimitRule | false;
    /**
     * The per-client-IP flood guard (an AWS WAF rate-based rule deployed, the same limit locally), set above what
     * an honest shared address reaches, or `false` for none.
     * @default { limit: 1000, windowSeconds: 300 }
     */
    readonly ipRateLimit?: RateLimitRule | false;
  };
  /** The broker's calls to Kinesis Video Streams. */
  readonly kvs?: {
    /** Per-attempt timeout of each KVS call, 100..25000 ms. @default 3000 */
    readonly timeoutMs?: number;
    /** Attempts per KVS call, throttling retried with backoff, 1..5. @default 3 */
    readonly maxAttempts?: number;
    /** Seconds a stream's data endpoint is cached per instance, 0..86400. @default 300 */
    readonly dataEndpointTtlSeconds?: number;
  };
  /** What one token may cost (SECURITY.md). */
  readonly limits?: {
    /** A token with more grants is refused (401), 1..100. @default 100 */
    readonly maxGrantsPerToken?: number;
  };
  /** CloudWatch metrics. */
  readonly metrics?: {
    /** A StreamName dimension on SessionsIssued: one billed custom metric per stream. @default false */
    readonly perStreamDimensions?: boolean;
  };
  /** Local mode only (`npm start`); the construct leaves it out of the deployed configuration. */
  readonly local?: {
    /** The emulated streams. @default [] */
    readonly streams?: readonly LocalStreamConfigInput[];
    /** Enforce KVS's documented quotas in the emulator. @default true */
    readonly enforceQuotas?: boolean;
    /**
     * Host names the local server answers besides loopback ones; any other `Host` is refused (DNS rebinding).
     * @default []
     */
    readonly allowedHosts?: readonly string[];
  };
}
