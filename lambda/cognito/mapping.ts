// Pure mapping for the Cognito pre token generation trigger: a user's groups and grants attribute -> the broker's
// grants (docs/tokens.md), written as the `kvs` claim and/or as `kvs:<MODE>:<stream>` scopes (docs/api.md).
// No AWS SDK, no env, no I/O: the handler passes the parsed config and the event's request in.
import { PROTOCOLS, STREAM_PATTERN } from '../core/config-rules';
import { parseGrant, type Grant } from '../core/grants';
import type { CognitoGrantsConfig } from './mapping-config';

export * from './mapping-config';

export interface MappingInput {
  /** request.groupConfiguration.groupsToOverride */
  groups: readonly string[];
  /** request.userAttributes */
  userAttributes: Readonly<Record<string, string | undefined>>;
}

export interface MappingResult {
  grants: Grant[];
  /** Rule outputs or attribute entries that were not valid grants, and so left out (fail closed). */
  ignored: number;
  /** Grants cut because the token would exceed maxGrants. */
  dropped: number;
}

const NAME = /^[a-zA-Z0-9_.-]+$/;

function fromRules(
  config: CognitoGrantsConfig,
  groups: readonly string[],
): { raw: unknown[]; ignored: number } {
  const raw: unknown[] = [];
  let ignored = 0;
  for (const group of groups) {
    for (const rule of config.groups) {
      let name: string | undefined;
      if ('group' in rule) name = rule.group === group ? '' : undefined;
      else name = group.startsWith(rule.groupPrefix) ? group.slice(rule.groupPrefix.length) : undefined;
      if (name === undefined) continue;
      // a group name that is not stream-name material must not shape a stream pattern
      if ('groupPrefix' in rule && !NAME.test(name)) {
        ignored += rule.grants.length;
        continue;
      }
      for (const template of rule.grants)
        raw.push({ ...template, stream: template.stream.replaceAll('{name}', name) });
    }
  }
  return { raw, ignored };
}

function fromAttribute(config: CognitoGrantsConfig, attributes: MappingInput['userAttributes']) {
  const text = config.grantsAttribute === undefined ? undefined : attributes[config.grantsAttribute];
  if (text === undefined || text.trim() === '') return { raw: [] as unknown[], ignored: 0 };
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? { raw: value, ignored: 0 } : { raw: [] as unknown[], ignored: 1 };
  } catch {
    return { raw: [] as unknown[], ignored: 1 };
  }
}

const grantKey = (g: Grant) =>
  JSON.stringify([g.stream, g.modes, g.protocols, g.from, g.to, g.maxExpiresSeconds]);

/** The user's grants: group rules first, then the attribute's, each validated as the authorizer reads it. */
export function mapGrants(config: CognitoGrantsConfig, input: MappingInput): MappingResult {
  const rules = fromRules(config, input.groups);
  const attribute = fromAttribute(config, input.userAttributes);
  const seen = new Set<string>();
  const grants: Grant[] = [];
  let ignored = rules.ignored + attribute.ignored;
  for (const raw of [...rules.raw, ...attribute.raw]) {
    const grant = parseGrant(raw);
    if (grant === undefined) {
      ignored++;
      continue;
    }
    const key = grantKey(grant);
    if (seen.has(key)) continue;
    seen.add(key);
    grants.push(grant);
  }
  const kept = grants.slice(0, config.maxGrants);
  return { grants: kept, ignored, dropped: grants.length - kept.length };
}

/**
 * Scopes for the grants a scope can say in full: one mode, both protocols, no window, no expiry cap. A grant with
 * more is left out rather than widened (a scope grants both protocols at any time).
 */
export function grantsToScopes(
  grants: readonly Grant[],
  scopePrefix: string,
): { scopes: string[]; unsaid: number } {
  const scopes = new Set<string>();
  let unsaid = 0;
  for (const g of grants) {
    const plain =
      g.from === undefined &&
      g.to === undefined &&
      g.maxExpiresSeconds === undefined &&
      PROTOCOLS.every((p) => g.protocols.includes(p)) &&
      STREAM_PATTERN.test(g.stream);
    if (!plain) {
      unsaid++;
      continue;
    }
    for (const mode of g.modes) scopes.add(`${scopePrefix}:${mode}:${g.stream}`);
  }
  return { scopes: [...scopes], unsaid };
}
