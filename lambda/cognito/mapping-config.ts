// The Cognito trigger's mapping configuration: its types, defaults and validation, without a schema library (the
// trigger bundle stays small). Its bounds are the broker's own (lambda/core/config-rules.ts): a trigger can never
// write a grant the broker refuses to read (docs/IDENTITY-PROVIDERS.md).
import {
  DEFAULT_MAX_GRANTS_PER_TOKEN,
  fieldPath,
  KVS_MAX_EXPIRES_SECONDS,
  KVS_MIN_EXPIRES_SECONDS,
  MAX_GRANTS_PER_TOKEN_CEILING,
  PLAYBACK_MODES,
  PROTOCOLS,
  SCOPE_PREFIX,
  type PlaybackMode,
  type Protocol,
} from '../core/config-rules';

/** A grant whose `stream` may use `{name}`: the part of the group name after a rule's `groupPrefix`. */
export interface GrantTemplate {
  /** Stream name, trailing-`*` prefix or `*`, after `{name}` is filled in (docs/tokens.md). */
  readonly stream: string;
  /** Playback modes the grant allows. @default ['LIVE'] */
  readonly modes?: readonly PlaybackMode[];
  /** Protocols the grant allows. @default both */
  readonly protocols?: readonly Protocol[];
  /** Start of the media-time window, NumericDate seconds. */
  readonly from?: number;
  /** End of the media-time window, NumericDate seconds. */
  readonly to?: number;
  /** Cap on session expiry for this grant, 300..43200 s (the broker's bounds). */
  readonly maxExpiresSeconds?: number;
}

/** Grants for the members of one group (`group`), or of every group starting with `groupPrefix`. */
export type GroupRule =
  | { readonly group: string; readonly grants: readonly GrantTemplate[] }
  | { readonly groupPrefix: string; readonly grants: readonly GrantTemplate[] };

export type AccessTokenGrants = 'scope' | 'claim' | 'both' | 'none';

/** The trigger's mapping as written: fields with defaults may be left out. */
export interface CognitoGrantsConfigInput {
  /** Group rules: exact `group`, or `groupPrefix` whose remainder fills `{name}` in the grants' streams. @default [] */
  readonly groups?: readonly GroupRule[];
  /**
   * A custom user attribute (`custom:...`) holding a JSON array of grants (at most 2048 characters). Users must
   * not be able to write it: `KvsCognitoGrants` refuses a standard attribute, and a custom one that an app
   * client of the pool lets users write (docs/IDENTITY-PROVIDERS.md).
   */
  readonly grantsAttribute?: string;
  /** The claim the broker reads (issuer `grantsClaim`). @default 'kvs' */
  readonly claimName?: string;
  /** The broker issuer's `scopePrefix`. @default 'kvs' */
  readonly scopePrefix?: string;
  /** What goes into the access token: scopes (scopesToAdd), the claim, both, or nothing. @default 'scope' */
  readonly accessToken?: AccessTokenGrants;
  /** Whether the ID token carries the claim too (its `aud` is the app client id). @default true */
  readonly idToken?: boolean;
  /** Grants per token at most, 1..100: the broker refuses tokens with more (SECURITY.md). @default 100 */
  readonly maxGrants?: number;
}

/** The mapping with every default filled in, as the trigger receives it. */
export interface CognitoGrantsConfig {
  groups: GroupRule[];
  grantsAttribute?: string;
  claimName: string;
  scopePrefix: string;
  accessToken: AccessTokenGrants;
  idToken: boolean;
  maxGrants: number;
}

const ACCESS_TOKEN: readonly AccessTokenGrants[] = ['scope', 'claim', 'both', 'none'];
const CONFIG_FIELDS = [
  'groups',
  'grantsAttribute',
  'claimName',
  'scopePrefix',
  'accessToken',
  'idToken',
  'maxGrants',
];
const TEMPLATE_FIELDS = ['stream', 'modes', 'protocols', 'from', 'to', 'maxExpiresSeconds'];

type Path = (string | number)[];
type Issues = string[];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number) =>
  Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;
const nonEmpty = (v: unknown) => typeof v === 'string' && v.length > 0;

function unknownKeys(value: Record<string, unknown>, known: readonly string[], path: Path, issues: Issues) {
  for (const key of Object.keys(value))
    if (!known.includes(key)) issues.push(`${fieldPath([...path, key]) || key}: unknown field`);
}

function checkEnumArray(value: unknown, allowed: readonly string[], path: Path, issues: Issues) {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => allowed.includes(v as string)))
    issues.push(`${fieldPath(path)}: must be a non-empty array of ${allowed.join(', ')}`);
}

function checkTemplate(raw: unknown, path: Path, issues: Issues) {
  if (!isObject(raw)) return void issues.push(`${fieldPath(path)}: must be a grant object`);
  unknownKeys(raw, TEMPLATE_FIELDS, path, issues);
  if (!nonEmpty(raw.stream)) issues.push(`${fieldPath([...path, 'stream'])}: must be a non-empty string`);
  checkEnumArray(raw.modes, PLAYBACK_MODES, [...path, 'modes'], issues);
  checkEnumArray(raw.protocols, PROTOCOLS, [...path, 'protocols'], issues);
  for (const key of ['from', 'to'] as const)
    if (raw[key] !== undefined && !isInt(raw[key], 0, Number.MAX_SAFE_INTEGER))
      issues.push(`${fieldPath([...path, key])}: must be a NumericDate (integer seconds, >= 0)`);
  if (
    raw.maxExpiresSeconds !== undefined &&
    !isInt(raw.maxExpiresSeconds, KVS_MIN_EXPIRES_SECONDS, KVS_MAX_EXPIRES_SECONDS)
  )
    issues.push(
      `${fieldPath([...path, 'maxExpiresSeconds'])}: must be an integer from ${KVS_MIN_EXPIRES_SECONDS} to ${KVS_MAX_EXPIRES_SECONDS}`,
    );
}

function checkRule(raw: unknown, path: Path, issues: Issues) {
  if (!isObject(raw)) return void issues.push(`${fieldPath(path)}: must be a group rule object`);
  const key = 'group' in raw ? 'group' : 'groupPrefix';
  unknownKeys(raw, [key, 'grants'], path, issues);
  if (!nonEmpty(raw[key]))
    issues.push(`${fieldPath([...path, key])}: must be a non-empty string (group or groupPrefix)`);
  if (!Array.isArray(raw.grants) || raw.grants.length === 0)
    return void issues.push(`${fieldPath([...path, 'grants'])}: must be a non-empty array of grants`);
  raw.grants.forEach((g, i) => checkTemplate(g, [...path, 'grants', i], issues));
}

function checkFields(raw: Record<string, unknown>, issues: Issues) {
  unknownKeys(raw, CONFIG_FIELDS, [], issues);
  if (raw.groups !== undefined) {
    if (!Array.isArray(raw.groups)) issues.push('groups: must be an array of group rules');
    else raw.groups.forEach((r, i) => checkRule(r, ['groups', i], issues));
  }
  for (const key of ['grantsAttribute', 'claimName'] as const)
    if (raw[key] !== undefined && !nonEmpty(raw[key])) issues.push(`${key}: must be a non-empty string`);
  if (
    raw.scopePrefix !== undefined &&
    !(typeof raw.scopePrefix === 'string' && SCOPE_PREFIX.test(raw.scopePrefix))
  )
    issues.push('scopePrefix: must be letters, digits or _.-/');
  if (raw.accessToken !== undefined && !ACCESS_TOKEN.includes(raw.accessToken as AccessTokenGrants))
    issues.push(`accessToken: must be one of ${ACCESS_TOKEN.join(', ')}`);
  if (raw.idToken !== undefined && typeof raw.idToken !== 'boolean')
    issues.push('idToken: must be a boolean');
  if (raw.maxGrants !== undefined && !isInt(raw.maxGrants, 1, MAX_GRANTS_PER_TOKEN_CEILING))
    issues.push(
      `maxGrants: must be an integer from 1 to ${MAX_GRANTS_PER_TOKEN_CEILING} (the broker refuses tokens with more grants)`,
    );
}

/** Validates the trigger's configuration, with messages that name the field; returns it with defaults filled in. */
export function parseCognitoGrantsConfig(raw: unknown): CognitoGrantsConfig {
  const issues: Issues = [];
  if (!isObject(raw)) issues.push('(root): must be an object');
  else checkFields(raw, issues);
  if (issues.length > 0) throw new Error(`invalid Cognito grants config: ${issues.join('; ')}`);
  const input = raw as CognitoGrantsConfigInput;
  return {
    groups: structuredClone((input.groups ?? []) as GroupRule[]),
    ...(input.grantsAttribute !== undefined ? { grantsAttribute: input.grantsAttribute } : {}),
    claimName: input.claimName ?? 'kvs',
    scopePrefix: input.scopePrefix ?? 'kvs',
    accessToken: input.accessToken ?? 'scope',
    idToken: input.idToken ?? true,
    maxGrants: input.maxGrants ?? DEFAULT_MAX_GRANTS_PER_TOKEN,
  };
}
