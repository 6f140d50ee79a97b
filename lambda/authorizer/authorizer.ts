// The REQUEST authorizer: verify the bearer JWT (jose), read its grants, answer with a policy over ALL of them.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { decodeJwt, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { auditEvent, hasUnsafeLogChars, logSafe } from '../core/audit';
import type { BrokerConfig, IssuerConfig } from '../core/config';
import { grantEntryCount, readGrants } from '../core/grants';
import { allowPolicy, type AuthorizerPolicy } from '../core/policy';
import { bearerToken } from '../core/bearer';
import { ROUTES } from '../contract/routes';
import { createJwksResolver } from './jwks';
import { Refusal, refusalReason } from './refusals';

export interface AuthorizerOptions {
  config: BrokerConfig;
  logger: Logger;
  /**
   * Where an issuer's verification keys come from.
   * @default one createJwksResolver per issuer (bounded fetch, stale-if-error, cooldown; see jwks.ts)
   */
  keyResolver?: (issuer: IssuerConfig) => JWTVerifyGetKey;
  /** @default () => new Date() */
  now?: () => Date;
}

/**
 * A sub that may become the principalId: 1..256 characters, no quote or backslash (API Gateway writes it into the
 * JSON access log unescaped), and none of the characters the one log-text rule replaces (core/audit.ts logSafe).
 */
const isSafeSub = (sub: unknown): sub is string =>
  typeof sub === 'string' && /^[^"\\]{1,256}$/.test(sub) && !hasUnsafeLogChars(sub);

/** API Gateway turns exactly this error message into a 401 (gateway response UNAUTHORIZED). */
const UNAUTHORIZED = 'Unauthorized';

// eslint-disable-next-line max-lines-per-function -- a factory: verify() and authorize() close over the issuers and key resolvers built once per cold start
export function createAuthorizer(options: AuthorizerOptions) {
  const { config, logger } = options;
  const now = options.now ?? (() => new Date());
  const resolve =
    options.keyResolver ??
    ((issuer: IssuerConfig) =>
      createJwksResolver({
        url: new URL(issuer.jwksUri),
        now: () => now().getTime(),
        onFetchError: (detail) => logger.warn('JWKS fetch failed', { issuer: issuer.issuer, detail }),
      }));
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
      ...(entry.issuer.audienceClaim === 'aud' ? { audience: entry.issuer.audience } : {}),
      algorithms: entry.issuer.algorithms,
      clockTolerance: config.clockToleranceSeconds,
      requiredClaims: ['exp', 'sub'],
      currentDate: now(),
      // RFC 8725 section 3.11: an ID token of the same issuer and audience is not an access token.
      ...(entry.issuer.typ !== undefined ? { typ: entry.issuer.typ } : {}),
      // jose then requires `iat` and refuses one older than this.
      ...(entry.issuer.maxTokenAgeSeconds !== undefined
        ? { maxTokenAge: entry.issuer.maxTokenAgeSeconds }
        : {}),
    });
    if (entry.issuer.audienceClaim === 'client_id' && payload.client_id !== entry.issuer.audience) {
      throw new Refusal('CLIENT_ID_MISMATCH');
    }
    // jose checks `iat` only against a maxTokenAge; a token issued in the future is refused here (docs/tokens.md).
    if (payload.iat !== undefined && payload.iat > now().getTime() / 1000 + config.clockToleranceSeconds) {
      throw new Refusal('IAT_IN_FUTURE');
    }
    // `sub` becomes the principalId, which API Gateway writes into the JSON access log unescaped: refuse the
    // characters that could break or forge a log line.
    if (!isSafeSub(payload.sub)) throw new Refusal('INVALID_SUB');
    return { payload, issuer: entry.issuer };
  }

  return async function authorize(event: APIGatewayRequestAuthorizerEvent): Promise<AuthorizerPolicy> {
    const requestId = event.requestContext?.requestId ?? '';
    // A client can choose requestId (header x-amzn-RequestId); API Gateway's extendedRequestId it cannot.
    const extendedRequestId = event.requestContext?.extendedRequestId;
    const streamName = event.pathParameters?.streamName;
    const audit = {
      requestId,
      extendedRequestId,
      ...(typeof streamName === 'string' ? { streamName } : {}),
      sourceIp: event.requestContext?.identity?.sourceIp,
      userAgent: event.requestContext?.identity?.userAgent ?? undefined,
    };
    try {
      const token = bearerToken(event.headers ?? {});
      if (!token) throw new Refusal('MISSING_BEARER_TOKEN');
      const { payload, issuer } = await verify(token);
      // SECURITY.md: more grants than the cap is a 401, before any is parsed.
      if (grantEntryCount(payload, issuer) > config.limits.maxGrantsPerToken)
        throw new Refusal('TOO_MANY_GRANTS');
      const { grants, ignored } = readGrants(payload, issuer);
      const policy = allowPolicy(
        event.methodArn,
        {
          sub: payload.sub!,
          issuer: issuer.issuer,
          exp: payload.exp!,
          grants,
        },
        ROUTES,
      );
      if (!policy) throw new Refusal('UNEXPECTED_METHOD_ARN');
      logger.info('token accepted', {
        requestId: logSafe(requestId),
        extendedRequestId: logSafe(extendedRequestId),
        issuer: issuer.issuer,
        sub: logSafe(payload.sub),
        grants: grants.length,
        ignoredGrants: ignored,
      });
      return policy;
    } catch (error) {
      // Fail closed: whatever went wrong, the answer is a 401, never an Allow and never a 500.
      const reason = refusalReason(error);
      if (reason === 'UNEXPECTED_ERROR') {
        logger.error('authorizer error', { error: error instanceof Error ? error.name : typeof error });
      }
      logger.info('token refused', {
        ...auditEvent({ nowMs: now().getTime(), ...audit, errorCode: 'UNAUTHORIZED', reason }),
      });
      throw new Error(UNAUTHORIZED);
    }
  };
}
