// The REQUEST authorizer: verify the bearer JWT (jose), read its grants, answer with a policy over ALL of them.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import {
  createRemoteJWKSet,
  decodeJwt,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { auditEvent } from '../core/audit';
import type { BrokerConfig, IssuerConfig } from '../core/config';
import { readGrants } from '../core/grants';
import { allowPolicy, type AuthorizerPolicy } from '../core/policy';
import { bearerToken } from '../core/bearer';

export interface AuthorizerOptions {
  config: BrokerConfig;
  logger: Logger;
  /**
   * Where an issuer's verification keys come from.
   * @default one cached `createRemoteJWKSet` per issuer (refetched on an unknown `kid`)
   */
  keyResolver?: (issuer: IssuerConfig) => JWTVerifyGetKey;
  /** @default () => new Date() */
  now?: () => Date;
}

/** 1..256 characters, none of them a quote, a backslash or a control character. */
// eslint-disable-next-line no-control-regex -- control characters are what this refuses
const SAFE_SUB = /^[^"\\\u0000-\u001f\u007f]{1,256}$/;

/** API Gateway turns exactly this error message into a 401 (gateway response UNAUTHORIZED). */
const UNAUTHORIZED = 'Unauthorized';

export const remoteKeyResolver = (issuer: IssuerConfig): JWTVerifyGetKey =>
  createRemoteJWKSet(new URL(issuer.jwksUri), {
    timeoutDuration: 3000,
    cooldownDuration: 30_000,
    cacheMaxAge: 600_000,
  });

/** Why a token was refused, as a stable code for the audit line. */
function refusalCode(error: unknown): string {
  if (error instanceof errors.JOSEError) {
    return error instanceof errors.JWTClaimValidationFailed ? `${error.code}:${error.claim}` : error.code;
  }
  return error instanceof Error ? error.name : 'UNKNOWN';
}

class Refusal extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

export function createAuthorizer(options: AuthorizerOptions) {
  const { config, logger } = options;
  const now = options.now ?? (() => new Date());
  const resolve = options.keyResolver ?? remoteKeyResolver;
  const issuers = new Map(config.issuers.map((issuer) => [issuer.issuer, { issuer, keys: resolve(issuer) }]));

  async function verify(token: string): Promise<{ payload: JWTPayload; issuer: IssuerConfig }> {
    let unverifiedIssuer: unknown;
    try {
      unverifiedIssuer = decodeJwt(token).iss;
    } catch {
      throw new Refusal('MALFORMED_TOKEN');
    }
    const entry = typeof unverifiedIssuer === 'string' ? issuers.get(unverifiedIssuer) : undefined;
    if (!entry) throw new Refusal('UNKNOWN_ISSUER');
    const { payload } = await jwtVerify(token, entry.keys, {
      issuer: entry.issuer.issuer,
      audience: entry.issuer.audience,
      algorithms: entry.issuer.algorithms,
      clockTolerance: config.clockToleranceSeconds,
      requiredClaims: ['exp', 'sub'],
      currentDate: now(),
    });
    // jose checks `iat` only against a maxTokenAge; a token issued in the future is refused here (DESIGN 3).
    if (payload.iat !== undefined && payload.iat > now().getTime() / 1000 + config.clockToleranceSeconds) {
      throw new Refusal('IAT_IN_FUTURE');
    }
    // `sub` becomes the principalId, which API Gateway writes into the JSON access log unescaped: refuse the
    // characters that could break or forge a log line.
    if (typeof payload.sub !== 'string' || !SAFE_SUB.test(payload.sub)) throw new Refusal('INVALID_SUB');
    return { payload, issuer: entry.issuer };
  }

  return async function authorize(event: APIGatewayRequestAuthorizerEvent): Promise<AuthorizerPolicy> {
    const requestId = event.requestContext?.requestId ?? '';
    const streamName = event.pathParameters?.streamName;
    const audit = {
      requestId,
      ...(typeof streamName === 'string' ? { streamName: streamName.slice(0, 256) } : {}),
      sourceIp: event.requestContext?.identity?.sourceIp,
      userAgent: event.requestContext?.identity?.userAgent ?? undefined,
    };
    try {
      const token = bearerToken(event.headers ?? {});
      if (!token) throw new Refusal('MISSING_BEARER_TOKEN');
      const { payload, issuer } = await verify(token);
      const { grants, ignored } = readGrants(payload, issuer);
      const policy = allowPolicy(event.methodArn, {
        sub: payload.sub!,
        issuer: issuer.issuer,
        exp: payload.exp!,
        grants,
      });
      if (!policy) throw new Refusal('UNEXPECTED_METHOD_ARN');
      logger.info('token accepted', {
        requestId,
        issuer: issuer.issuer,
        sub: payload.sub,
        grants: grants.length,
        ignoredGrants: ignored,
      });
      return policy;
    } catch (error) {
      // Fail closed: whatever went wrong, the answer is a 401, never an Allow and never a 500.
      const reason = error instanceof Refusal ? error.code : refusalCode(error);
      logger.info('token refused', {
        ...auditEvent({ nowMs: now().getTime(), ...audit, errorCode: 'UNAUTHORIZED', reason }),
      });
      throw new Error(UNAUTHORIZED);
    }
  };
}
