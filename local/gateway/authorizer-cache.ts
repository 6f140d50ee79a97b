// The REQUEST authorizer as API Gateway calls it: result cached per identity source (the Authorization header)
// for the configured TTL, 'Unauthorized' as a 401, anything else that goes wrong as AUTHORIZER_FAILURE.
import type { APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { lambdaContext } from './events';
import type { PolicyDocument } from './iam';

export type AuthorizerHandler = (
  event: APIGatewayRequestAuthorizerEvent,
  context: Context,
) => Promise<unknown>;

export interface Authorization {
  policy: PolicyDocument | undefined;
  context: Record<string, unknown>;
  principalId: string;
  expiresAtMs: number;
}

interface AuthorizerAnswer {
  principalId?: unknown;
  policyDocument?: PolicyDocument;
  context?: Record<string, unknown>;
}

/**
 * The authorizer Lambda's timeout (lib/kvs-session-broker.ts AUTHORIZER_TIMEOUT, 10 s). A Lambda that runs out of
 * time is a failed invocation, which API Gateway answers with the AUTHORIZER_FAILURE gateway response (default
 * status 500, API Gateway developer guide "Gateway response types"; ours is 502 UPSTREAM_ERROR, see
 * lambda/contract/gateway-responses.ts), never with an integration's 504.
 */
export const AUTHORIZER_TIMEOUT_MS = 10_000;

/** The authorizer's answer, or a rejection once `timeoutMs` has passed. */
async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('Task timed out')), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function cachedAuthorizer(
  authorizer: AuthorizerHandler,
  ttlSeconds: number,
  now: () => number,
  timeoutMs: number = AUTHORIZER_TIMEOUT_MS,
) {
  const cache = new Map<string, Authorization>();
  return async function authorize(
    event: APIGatewayRequestAuthorizerEvent,
    identity: string,
    requestId: string,
  ): Promise<Authorization | 'UNAUTHORIZED' | 'AUTHORIZER_FAILURE'> {
    const cached = cache.get(identity);
    if (cached && cached.expiresAtMs > now()) return cached;
    let result: AuthorizerAnswer;
    try {
      result = (await withTimeout(
        authorizer(event, lambdaContext('authorizer', requestId)),
        timeoutMs,
      )) as AuthorizerAnswer;
    } catch (error) {
      // Exactly 'Unauthorized' is API Gateway's 401; any other failure is its AUTHORIZER_FAILURE.
      return (error as Error)?.message === 'Unauthorized' ? 'UNAUTHORIZED' : 'AUTHORIZER_FAILURE';
    }
    if (!result || typeof result.principalId !== 'string' || !result.policyDocument)
      return 'AUTHORIZER_FAILURE';
    const entry: Authorization = {
      policy: result.policyDocument,
      context: result.context ?? {},
      principalId: result.principalId,
      expiresAtMs: now() + ttlSeconds * 1000,
    };
    if (ttlSeconds > 0) cache.set(identity, entry);
    return entry;
  };
}
