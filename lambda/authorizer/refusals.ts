// Why the authorizer refused a token: one closed list, the `reason` of its audit lines (README (Observability and audit) and 8).
import { errors } from 'jose';
import { IdpUnavailable } from './jwks';

/** Ours, and the jose codes we let through as they are (the audit lines have carried them since version 1). */
export const AUTHORIZER_REFUSALS = [
  'MISSING_BEARER_TOKEN',
  'MALFORMED_TOKEN',
  'UNKNOWN_ISSUER',
  'IAT_IN_FUTURE',
  'INVALID_SUB',
  'TOO_MANY_GRANTS',
  /** `client_id` is not the issuer's audience, where the issuer checks `client_id` (Cognito access tokens). */
  'CLIENT_ID_MISMATCH',
  /** Issued longer ago than the issuer's maxTokenAgeSeconds (jose reports it as an expiry of `iat`). */
  'TOKEN_TOO_OLD',
  'UNEXPECTED_METHOD_ARN',
  /** The issuer's JWKS could not be fetched and no usable key was left: an IdP outage, not a bad token. */
  'IDP_UNAVAILABLE',
  'ERR_JWT_EXPIRED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED:nbf',
  'ERR_JWT_CLAIM_VALIDATION_FAILED:aud',
  'ERR_JWT_CLAIM_VALIDATION_FAILED:iss',
  'ERR_JWT_CLAIM_VALIDATION_FAILED:sub',
  'ERR_JWT_CLAIM_VALIDATION_FAILED:exp',
  /** Missing `iat` where the issuer sets maxTokenAgeSeconds. */
  'ERR_JWT_CLAIM_VALIDATION_FAILED:iat',
  /** The JOSE header `typ` is not the issuer's required one (RFC 8725 section 3.11). */
  'ERR_JWT_CLAIM_VALIDATION_FAILED:typ',
  'ERR_JWT_INVALID',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  /** No key of the issuer's JWKS has the token's `kid` (after a refetch, cooldown permitting). */
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  /** Anything else: still a 401 (fail closed), and worth a look. */
  'UNEXPECTED_ERROR',
] as const;

export type AuthorizerRefusal = (typeof AUTHORIZER_REFUSALS)[number];

const KNOWN = new Set<string>(AUTHORIZER_REFUSALS);

/** A refusal the authorizer decided itself. */
export class Refusal extends Error {
  constructor(readonly reason: AuthorizerRefusal) {
    super(reason);
  }
}

/** The closed reason for whatever stopped a token. */
export function refusalReason(error: unknown): AuthorizerRefusal {
  if (error instanceof Refusal) return error.reason;
  if (error instanceof IdpUnavailable) return 'IDP_UNAVAILABLE';
  if (error instanceof errors.JWTExpired && error.claim === 'iat') return 'TOKEN_TOO_OLD';
  if (error instanceof errors.JOSEError) {
    const code =
      error instanceof errors.JWTClaimValidationFailed ? `${error.code}:${error.claim}` : error.code;
    if (KNOWN.has(code)) return code as AuthorizerRefusal;
  }
  return 'UNEXPECTED_ERROR';
}
