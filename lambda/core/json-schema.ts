// A JSON Schema interpreter for the schemas generated from our zod schemas (scripts/schemas.ts): request bodies,
// queries and path parameters (request-schemas.ts) and the configuration (lambda/runtime/config-schema.ts), so that
// no Lambda bundles zod. It answers as zod does: the same issues, in the same order, in zod's English messages, the
// defaults filled in and unknown keys of a non-strict object dropped. It knows the keywords in KEYWORDS of
// scripts/request-schemas.ts only: the generator refuses a schema that uses another (or an unknown format or type),
// so a check never passes silently over a rule it skipped, and drift tests keep the committed schemas its output.
// Checks that can both fail run in the order of the schema's keys: the generator writes them in zod's check order.
// test/lambda/core/request-schemas.test.ts compares its answers with zod's over every request schema.

export type JsonSchema = { [keyword: string]: unknown };

/** One problem, as zod reports it: where, its message, and for unknown keys the keys. */
export interface SchemaIssue {
  path: (string | number)[];
  message: string;
  /** Set on an unknown-keys issue (zod's `unrecognized_keys`): the keys, in the order the value has them. */
  keys?: string[];
  /** zod stopped checking the value there (a wrong type or value); a size, pattern or unknown key does not. */
  abort?: boolean;
}

/** zod's names of the string formats it writes as a JSON Schema `format` (with a `pattern`, except `uri`). */
export const FORMAT_NAMES: Readonly<Record<string, string>> = {
  'date-time': 'ISO datetime',
  date: 'ISO date',
  time: 'ISO time',
  duration: 'ISO duration',
  email: 'email address',
  uuid: 'UUID',
  uri: 'URL',
};

// Compiled once per pattern: a request checks a few patterns, and a new RegExp each time costs about 0.45 µs more
// per check on Node 24 (same answers).
const patterns = new Map<string, RegExp>();
function regex(source: string): RegExp {
  let re = patterns.get(source);
  // Stryker disable next-line ConditionalExpression: a cache; compiling the pattern every time gives the same answer.
  if (!re) patterns.set(source, (re = new RegExp(source)));
  return re;
}

/** zod's word for what a value is (util.parsedType, non-finite numbers spelled out). */
function received(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value;
}

/** zod's util.stringifyPrimitive: strings in double quotes, as they are. */
const primitive = (value: unknown) => (typeof value === 'string' ? `"${value}"` : String(value));

function isType(type: string, value: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
    case 'number':
      return Number.isFinite(value); // false for every non-number
    case 'null':
      return value === null;
    case 'string':
    case 'boolean':
      return typeof value === type;
    default:
      throw new Error(`JSON Schema: unsupported type ${type}`);
  }
}

/** The type, enum and const checks zod makes first: a failure stops the node there. */
function kindIssue(schema: JsonSchema, value: unknown): string | undefined {
  const values = Array.isArray(schema.enum) ? schema.enum : 'const' in schema ? [schema.const] : undefined;
  if (values) {
    if (values.includes(value)) return undefined;
    return values.length === 1
      ? `Invalid input: expected ${primitive(values[0])}`
      : `Invalid option: expected one of ${values.map(primitive).join('|')}`;
  }
  const types = ([] as string[]).concat((schema.type as string | string[] | undefined) ?? []);
  const type = types.find((t) => t !== 'null') ?? types[0];
  if (type === undefined || types.some((t) => isType(t, value))) {
    if (type !== 'integer' || typeof value !== 'number') return undefined;
    if (!Number.isInteger(value)) return 'Invalid input: expected int, received number';
    if (value > Number.MAX_SAFE_INTEGER) return `Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}`;
    if (value < -Number.MAX_SAFE_INTEGER)
      return `Too small: expected int to be >=${-Number.MAX_SAFE_INTEGER}`;
    return undefined;
  }
  return `Invalid input: expected ${type === 'integer' ? 'number' : type}, received ${received(value)}`;
}

/** One size or shape keyword on a string, number or array; undefined when it holds or does not apply. */
function keywordIssue(schema: JsonSchema, keyword: string, value: unknown): string | undefined {
  const limit = schema[keyword] as number;
  const what = typeof value === 'string' ? 'string' : 'array';
  const unit = what === 'string' ? 'characters' : 'items';
  const size = (value as { length: number }).length;
  const exactly = schema.minLength === schema.maxLength ? 'exactly ' : undefined;
  switch (typeof value === 'number' ? `number:${keyword}` : keyword) {
    case 'number:minimum':
      return (value as number) < limit ? `Too small: expected number to be >=${limit}` : undefined;
    case 'number:exclusiveMinimum':
      return (value as number) <= limit ? `Too small: expected number to be >${limit}` : undefined;
    case 'number:maximum':
      return (value as number) > limit ? `Too big: expected number to be <=${limit}` : undefined;
    case 'number:exclusiveMaximum':
      return (value as number) >= limit ? `Too big: expected number to be <${limit}` : undefined;
    case 'minLength':
    case 'minItems':
      if (size >= limit || (what === 'string') !== (keyword === 'minLength')) return undefined;
      return `Too small: expected ${what} to have ${(what === 'string' && exactly) || '>='}${limit} ${unit}`;
    case 'maxLength':
      // (maxItems: check() refuses a long array before its items, and a short one passes.)
      if (typeof value !== 'string' || size <= limit) return undefined;
      return `Too big: expected string to have ${exactly ?? '<='}${limit} characters`;
    case 'pattern':
      if (typeof value !== 'string' || regex(schema.pattern as string).test(value)) return undefined;
      return schema.format === undefined
        ? `Invalid string: must match pattern /${schema.pattern as string}/`
        : `Invalid ${FORMAT_NAMES[schema.format as string]}`;
    case 'format':
      // A format zod writes with a pattern is checked by the pattern; `uri` has none (zod: `new URL`).
      if (schema.format !== 'uri' || typeof value !== 'string' || URL.canParse(value)) return undefined;
      return 'Invalid URL';
  }
  // Any other keyword (type, enum, items, properties...) is not one of these checks.
  return undefined;
}

interface Walk {
  path: (string | number)[];
  issues: SchemaIssue[];
}

/** Checks `value` against `schema` at `walk.path`; returns it with defaults filled in (a copy where one was added). */
function check(schema: JsonSchema, value: unknown, walk: Walk): unknown {
  const custom = schema['x-messages'] as Record<string, string> | undefined;
  const own = (message: string, keyword?: string, abort = false) =>
    walk.issues.push({
      path: walk.path,
      message: (keyword && custom?.[keyword]) || (schema['x-message'] as string | undefined) || message,
      ...(abort ? { abort } : {}),
    });
  if (Array.isArray(schema.anyOf)) return checkAnyOf(schema.anyOf as JsonSchema[], value, walk, own);
  if (value === null && schema.nullable === true) return value;
  const kind = kindIssue(schema, value);
  if (kind !== undefined) {
    // zod goes on past an int's safe bounds (a check), not past a wrong type or value.
    own(kind, undefined, !kind.startsWith('Too '));
    return value;
  }
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'object' && !Array.isArray(value)) {
    return checkObject(schema, value as Record<string, unknown>, walk);
  }
  // zod checks an array's maximum size before its items, and stops there.
  if (Array.isArray(value) && value.length > ((schema.maxItems as number | undefined) ?? Infinity)) {
    own(`Too big: expected array to have <=${schema.maxItems} items`, 'maxItems');
    return value;
  }
  const items = schema.items as JsonSchema | undefined;
  const out =
    Array.isArray(value) && items
      ? value.map((v, i) => check(items, v, { path: [...walk.path, i], issues: walk.issues }))
      : value;
  for (const keyword of Object.keys(schema)) {
    const issue = keywordIssue(schema, keyword, value);
    if (issue !== undefined) own(issue, keyword);
  }
  return out;
}

/**
 * zod's union: the first alternative that holds; else the one alternative zod did not stop in (its issues, say an
 * unknown key or a size, and its value); else `Invalid input`.
 */
function checkAnyOf(
  alternatives: JsonSchema[],
  value: unknown,
  walk: Walk,
  own: (message: string, keyword?: string, abort?: boolean) => void,
): unknown {
  const trials = alternatives.map((alternative) => {
    const trial: Walk = { path: walk.path, issues: [] };
    return { value: check(alternative, value, trial), issues: trial.issues };
  });
  const held = trials.find((t) => t.issues.length === 0);
  if (held) return held.value;
  const going = trials.filter((t) => t.issues.every((i) => !i.abort));
  if (going.length === 1) {
    walk.issues.push(...going[0]!.issues);
    return going[0]!.value;
  }
  own('Invalid input', undefined, true);
  return value;
}

function checkObject(
  schema: JsonSchema,
  value: Record<string, unknown>,
  walk: Walk,
): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = (schema.required ?? []) as string[];
  const out: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(properties)) {
    const field = Object.hasOwn(value, key) ? value[key] : undefined;
    if (field === undefined && !required.includes(key)) {
      if (property.default !== undefined) out[key] = structuredClone(property.default);
      continue;
    }
    out[key] = check(property, field, { path: [...walk.path, key], issues: walk.issues });
  }
  const unknown = Object.keys(value).filter((k) => !Object.hasOwn(properties, k));
  if (schema.additionalProperties === false && unknown.length > 0) {
    const message = `Unrecognized key${unknown.length > 1 ? 's' : ''}: ${unknown.map(primitive).join(', ')}`;
    walk.issues.push({ path: walk.path, message, keys: unknown });
  }
  return out;
}

/**
 * Checks a value against a JSON Schema generated from zod; returns it with the schema's defaults filled in, and
 * every problem in zod's order and words (no problems: the value is what zod's parse would return).
 */
export function checkJsonSchema(
  schema: JsonSchema,
  value: unknown,
): { value: unknown; issues: SchemaIssue[] } {
  const issues: SchemaIssue[] = [];
  return { value: check(schema, value, { path: [], issues }), issues };
}
