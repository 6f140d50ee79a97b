// The authorizer's IAM policy (DESIGN section 1): it lists EVERY stream the token grants, never just the one asked
// for, so the policy API Gateway caches per token can neither over-grant nor wrongly deny another stream.
import { policyResources } from '../contract/routes';
import type { Grant } from './grants';

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

export function encodeContext(context: AuthorizerContext): Record<string, string> {
  return {
    sub: context.sub,
    issuer: context.issuer,
    exp: String(context.exp),
    grants: JSON.stringify(context.grants),
  };
}

/**
 * The `arn:…:execute-api:region:account:apiId/stage` part of a method ARN
 * (`…:apiId/stage/VERB/path`), or undefined when the ARN is not of that shape.
 */
export function apiStageArn(methodArn: string): string | undefined {
  const match = /^(arn:[^:]+:execute-api:[^:]*:[^:]*:[^/]+\/[^/]+)\/[A-Z*]+\//.exec(methodArn);
  return match?.[1];
}

/** Resources a token may invoke: the session route of each granted stream pattern, and discovery. */
export function grantedResources(stageArn: string, grants: readonly Grant[]): string[] {
  return policyResources(
    stageArn,
    grants.map((g) => g.stream),
  );
}

export function allowPolicy(methodArn: string, context: AuthorizerContext): AuthorizerPolicy | undefined {
  const stageArn = apiStageArn(methodArn);
  if (!stageArn) return undefined;
  return {
    principalId: context.sub,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'execute-api:Invoke',
          Effect: 'Allow',
          Resource: grantedResources(stageArn, context.grants),
        },
      ],
    },
    context: encodeContext(context),
  };
}
