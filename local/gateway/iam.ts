// IAM policy evaluation the way API Gateway applies an authorizer's policy to a method ARN (explicit Deny wins).

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
}

export interface PolicyDocument {
  Statement?: Statement | Statement[];
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM wildcards: `*` any run of characters (slashes included), `?` exactly one. */
export function iamMatches(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 's').test(value);
}

const INVOKE = 'execute-api:Invoke';

export function evaluatePolicy(document: PolicyDocument | undefined, methodArn: string): 'ALLOW' | 'DENY' {
  let allowed = false;
  for (const s of list(document?.Statement)) {
    const actionMatches = list(s.Action).some((a) => iamMatches(a, INVOKE));
    const resourceMatches = list(s.Resource).some((r) => iamMatches(r, methodArn));
    if (!actionMatches || !resourceMatches) continue;
    if (s.Effect === 'Deny') return 'DENY';
    if (s.Effect === 'Allow') allowed = true;
  }
  return allowed ? 'ALLOW' : 'DENY';
}
