// JSON Schema from zod for the interpreter of lambda/core/json-schema.ts: z.toJSONSchema, plus what the interpreter
// needs to answer as zod does: custom messages (`x-message`, `x-messages`) and the keywords of each string, number
// and array in zod's check order. A zod feature the interpreter cannot follow (a refine, a transform, a regex with
// flags, a check it does not know) stops the generator with the schema's path, never a validator that differs.
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import * as z from 'zod';
import { FORMAT_NAMES, type JsonSchema } from '../lambda/core/json-schema';
import { REQUEST_SCHEMAS } from '../lambda/core/schemas/index';

export const REQUEST_SCHEMAS_PATH = fileURLToPath(
  new URL('../lambda/core/request-schemas.ts', import.meta.url),
);

/**
 * The keywords lambda/core/json-schema.ts interprets, and so the only ones a generated schema may use.
 * `nullable: true` is zod's `.nullable()` (null passes; any other value answers as the schema does, where `anyOf`
 * with a null alternative would say `Invalid input`). Custom zod messages: `x-message` (the schema's own: every
 * issue of its node says it) and `x-messages` (a check's, by keyword: `{ "pattern": "must be ..." }`), the
 * check's first.
 */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'type',
  'enum',
  'const',
  'anyOf',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'nullable',
  'default',
  'description',
  'x-message',
  'x-messages',
]);

const TYPES = new Set(['object', 'array', 'integer', 'number', 'null', 'string', 'boolean']);

interface ZodDef {
  type: string;
  format?: string;
  error?: (issue: unknown) => unknown;
  checks?: { _zod: { def: ZodCheckDef } }[];
}
interface ZodCheckDef {
  check: string;
  format?: string;
  pattern?: RegExp;
  inclusive?: boolean;
  error?: (issue: unknown) => unknown;
}

/** A custom zod message (the `error`/`message` param), if the schema or check has one. */
function customMessage(error: ZodDef['error']): string | undefined {
  const out = error?.({ code: 'custom', input: undefined, path: [] });
  if (out === undefined || out === null) return undefined;
  if (typeof out === 'string') return out;
  return (out as { message?: string }).message;
}

/** The JSON Schema keywords one zod check writes, on a value of zod type `type`. */
function checkKeywords(check: ZodCheckDef, type: string): string[] {
  const sized = type === 'array' ? ['minItems', 'maxItems'] : ['minLength', 'maxLength'];
  switch (check.check) {
    case 'min_length':
      return [sized[0]!];
    case 'max_length':
      return [sized[1]!];
    case 'length_equals':
      return sized;
    case 'greater_than':
      return [check.inclusive ? 'minimum' : 'exclusiveMinimum'];
    case 'less_than':
      return [check.inclusive ? 'maximum' : 'exclusiveMaximum'];
    case 'number_format':
      return [];
    case 'string_format':
      if (check.format === 'regex' && check.pattern?.flags === '') return ['pattern'];
      throw new Error(`zod string check ${check.format ?? ''}${check.pattern ? ` ${check.pattern}` : ''}`);
    default:
      throw new Error(`zod check ${check.check}`);
  }
}

/** zod writes `.nullable()` as `anyOf` with `{ type: 'null' }` (or a type list): the interpreter's `nullable`. */
function nullable(json: JsonSchema): void {
  const isNull = (s: JsonSchema) => s.type === 'null' && Object.keys(s).length === 1;
  const alternatives = json.anyOf as JsonSchema[] | undefined;
  if (alternatives?.length === 2 && alternatives.some(isNull)) {
    delete json.anyOf;
    Object.assign(
      json,
      alternatives.find((s) => !isNull(s)),
    );
  } else if (Array.isArray(json.type)) {
    const types = (json.type as string[]).filter((t) => t !== 'null');
    json.type = types.length === 1 ? types[0] : types;
  }
  json.nullable = true;
}

/** The override: custom messages, and each check's keywords moved to the end, in zod's check order. */
function annotate(schema: z.ZodType, json: JsonSchema, strict: boolean): void {
  const def = schema._zod.def as unknown as ZodDef;
  if (strict && ['pipe', 'transform', 'custom', 'promise', 'lazy'].includes(def.type)) {
    throw new Error(`zod ${def.type}: a JSON Schema cannot say it`);
  }
  if (def.type === 'nullable') nullable(json);
  // `.prefault(value)` parses its value (`.prefault({})`: the fields' own defaults): the interpreter copies a
  // default as it is, so it gets what zod makes of a missing value.
  if (def.type === 'prefault') json.default = schema.parse(undefined);
  const own = strict ? customMessage(def.error) : undefined;
  if (own !== undefined) json['x-message'] = own;
  const order = def.type === 'string' && def.format ? ['format', 'pattern'] : [];
  const messages: Record<string, string> = {};
  for (const [i, { _zod }] of (def.checks ?? []).entries()) {
    let keywords: string[];
    try {
      keywords = checkKeywords(_zod.def, def.type);
    } catch (error) {
      if (strict) throw error;
      continue;
    }
    if (_zod.def.check === 'number_format' && i > 0 && strict) {
      throw new Error('zod .int() after another check: write it first (zod checks it in the order written)');
    }
    order.push(...keywords);
    const message = strict ? customMessage(_zod.def.error) : undefined;
    if (message !== undefined) for (const k of keywords) messages[k] = message;
  }
  if (Object.keys(messages).length > 0) json['x-messages'] = messages;
  for (const keyword of order.filter((k, i) => k in json && order.lastIndexOf(k) === i)) {
    const value = json[keyword];
    delete json[keyword];
    json[keyword] = value;
  }
}

/** Every keyword, type and format in `schema` is one the interpreter knows; throws naming the path otherwise. */
export function assertInterpretable(schema: JsonSchema, path: string): void {
  for (const [keyword, value] of Object.entries(schema)) {
    const known =
      KEYWORDS.has(keyword) &&
      (keyword !== 'format' || FORMAT_NAMES[value as string] !== undefined) &&
      (keyword !== 'type' || ([] as unknown[]).concat(value).every((t) => TYPES.has(t as string))) &&
      (keyword !== 'additionalProperties' || value === false);
    if (!known) {
      throw new Error(
        `${path}: JSON Schema ${keyword} ${JSON.stringify(value)}, which the JSON Schema interpreter cannot follow`,
      );
    }
    if (keyword === 'properties') {
      for (const [name, property] of Object.entries(value as Record<string, JsonSchema>)) {
        assertInterpretable(property, `${path}.${name}`);
      }
    }
    if (keyword === 'items') assertInterpretable(value as JsonSchema, `${path}[]`);
    if (keyword === 'anyOf')
      (value as JsonSchema[]).forEach((s, i) => assertInterpretable(s, `${path}|${i}`));
  }
}

function withoutDescriptions(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutDescriptions);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([k, v]) => k !== 'description' || typeof v !== 'string')
      .map(([k, v]) => [k, k === 'default' || k === 'enum' || k === 'const' ? v : withoutDescriptions(v)]),
  );
}

/**
 * The JSON Schema the interpreter checks `schema` with (input side: a field with a default is optional and
 * carries it). `strict`: refuse what the interpreter cannot follow, and carry custom messages (request schemas).
 * Not strict (the configuration): custom messages stay zod's at synth, and the cold-start check, which only sees
 * documents synth accepted, answers in zod's own words, 0.4 KB less in each Lambda; the config's generator
 * states its two exceptions itself (scripts/config-schema.ts).
 */
export function interpreterSchema(schema: z.ZodType, name: string, strict = true): JsonSchema {
  const out = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: strict ? 'throw' : 'any',
    override: (ctx) => {
      try {
        annotate(ctx.zodSchema as unknown as z.ZodType, ctx.jsonSchema as JsonSchema, strict);
      } catch (error) {
        throw new Error(
          `${name}: ${(error as Error).message}, which the JSON Schema interpreter cannot follow`,
        );
      }
    },
  }) as JsonSchema & { $defs?: Record<string, JsonSchema>; $ref?: string };
  // A schema with a registry id comes back as a $ref to its definition: take the definition itself.
  const { $schema: _dialect, $defs, $ref, ...rest } = out;
  const root = $ref && $defs ? $defs[$ref.replace('#/$defs/', '')]! : rest;
  const document = (strict ? withoutDescriptions(root) : root) as JsonSchema;
  if (strict) assertInterpretable(document, name);
  return document;
}

/** Sub-schemas written more than once across `schemas` (by text, over 200 characters): written once, shared. */
function sharedParts(schemas: readonly unknown[]): Map<string, string> {
  const counts = new Map<string, number>();
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    const text = JSON.stringify(value);
    if (!Array.isArray(value) && text.length > 200) counts.set(text, (counts.get(text) ?? 0) + 1);
    for (const v of Object.values(value)) visit(v);
  };
  schemas.forEach(visit);
  const shared = [...counts].filter(([, n]) => n > 1).map(([text]) => text);
  return new Map(shared.map((text, i) => [text, `SHARED_${i}`]));
}

/** JavaScript source of a JSON value, naming each shared part instead of writing it again. */
function source(value: unknown, shared: ReadonlyMap<string, string>, top = false): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const name = top ? undefined : shared.get(JSON.stringify(value));
  if (name) return name;
  if (Array.isArray(value)) return `[${value.map((v) => source(v, shared)).join(',')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}:${source(v, shared)}`)
    .join(',')}}`;
}

/** lambda/core/request-schemas.ts, formatted as the repository's prettier config formats it. */
export async function requestSchemasText(): Promise<string> {
  const options = (await resolveConfig(REQUEST_SCHEMAS_PATH)) ?? {};
  const schemas = Object.entries(REQUEST_SCHEMAS).map(
    ([name, s]) => [name, interpreterSchema(s, name)] as const,
  );
  const shared = sharedParts(schemas.map(([, s]) => s));
  const text = [
    '// Generated by `npm run schemas` (scripts/request-schemas.ts) from the zod schemas of lambda/core/schemas/: do',
    '// not edit. Checked by lambda/core/input.ts; test/lambda/core/request-schemas.test.ts fails on drift.',
    "import type { JsonSchema } from './json-schema';",
    '',
    ...[...shared].map(
      ([json, name]) => `const ${name}: JsonSchema = ${source(JSON.parse(json), shared, true)};`,
    ),
    ...schemas.map(([name, s]) => `\nexport const ${name}: JsonSchema = ${source(s, shared, true)};`),
  ].join('\n');
  return format(text, { ...options, filepath: REQUEST_SCHEMAS_PATH });
}
