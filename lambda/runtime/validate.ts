// Cold-start validation of the configuration without a schema library in the bundle. The schema is
// config-schema.ts, generated from lambda/core/config.ts's zod schema (scripts/config-schema.ts, drift-tested);
// this file interprets the few JSON Schema keywords that document uses, applies its defaults, then checks the
// cross-field rules zod checks in code. Any keyword it does not know fails the cold start: never a silent pass.
import type { BrokerConfig } from '../core/config';
import { crossFieldIssues, fieldPath } from '../core/config-rules';
import { CONFIG_SCHEMA as schemaDocument } from './config-schema';

type Schema = Record<string, unknown>;

/** The keywords interpreted below; `default` is applied by the enclosing object. */
const KNOWN = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'minLength',
  'pattern',
  'format',
  'enum',
  'const',
  'anyOf',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'default',
  'description',
]);

const patterns = new Map<string, RegExp>();
function regex(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) patterns.set(source, (re = new RegExp(source)));
  return re;
}

function typeOk(type: unknown, value: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    default:
      throw new Error(`JSON Schema: unsupported type ${String(type)}`);
  }
}

/** Checks `value` against `schema`; returns it with defaults filled in (a copy where one was added). */
function check(schema: Schema, value: unknown, path: (string | number)[], issues: string[]): unknown {
  const unknownKeyword = Object.keys(schema).find((k) => !KNOWN.has(k) && !k.startsWith('x-'));
  if (unknownKeyword) throw new Error(`JSON Schema: unsupported keyword ${unknownKeyword}`);
  const at = fieldPath(path) || '(document)';
  if (Array.isArray(schema.anyOf)) {
    for (const alternative of schema.anyOf as Schema[]) {
      const own: string[] = [];
      const checked = check(alternative, value, path, own);
      if (own.length === 0) return checked;
    }
    issues.push(`${at}: matches none of its allowed forms`);
    return value;
  }
  if ('const' in schema && value !== schema.const) {
    issues.push(`${at}: must be ${JSON.stringify(schema.const)}`);
    return value;
  }
  if (schema.type !== undefined && !typeOk(schema.type, value)) {
    issues.push(`${at}: expected ${String(schema.type)}`);
    return value;
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    issues.push(`${at}: must be one of ${schema.enum.join(', ')}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) {
      issues.push(`${at}: must have at least ${schema.minLength} characters`);
    }
    if (typeof schema.pattern === 'string' && !regex(schema.pattern).test(value)) {
      issues.push(`${at}: must match ${schema.pattern}`);
    }
    if (schema.format === 'uri') {
      if (!URL.canParse(value)) issues.push(`${at}: must be a URL`);
    } else if (schema.format === 'date-time' && typeof schema.pattern === 'string') {
      // zod writes its ISO 8601 rule as the pattern checked above; the date must also exist.
      if (Number.isNaN(Date.parse(value))) issues.push(`${at}: must be an ISO 8601 date-time`);
    } else if (schema.format !== undefined) {
      throw new Error(`JSON Schema: unsupported format ${String(schema.format)}`);
    }
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      issues.push(`${at}: must be >= ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      issues.push(`${at}: must be <= ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) {
      issues.push(`${at}: must be > ${schema.exclusiveMinimum}`);
    }
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
      issues.push(`${at}: must have at least ${schema.minItems} items`);
    }
    const items = schema.items as Schema | undefined;
    return items ? value.map((v, i) => check(items, v, [...path, i], issues)) : value;
  }
  if (schema.type === 'object') return checkObject(schema, value as Record<string, unknown>, path, issues);
  return value;
}

function checkObject(
  schema: Schema,
  value: Record<string, unknown>,
  path: (string | number)[],
  issues: string[],
): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = (schema.required ?? []) as string[];
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (!(key in properties) && schema.additionalProperties === false) {
      issues.push(`${fieldPath([...path, key])}: unknown field`);
    }
  }
  for (const [key, property] of Object.entries(properties)) {
    if (value[key] === undefined) {
      if (required.includes(key)) issues.push(`${fieldPath([...path, key])}: required`);
      else if (property.default !== undefined) out[key] = structuredClone(property.default);
      continue;
    }
    out[key] = check(property, value[key], [...path, key], issues);
  }
  return out;
}

/** The rules lambda/core/config.ts states in code (superRefine, parseConfig), with the same messages. */
/** The config's own cross-field rules (lambda/core/config-rules.ts, as zod applies them), plus https JWKS. */
function runtimeCrossFieldIssues(config: BrokerConfig): string[] {
  const issues = crossFieldIssues(config).map(({ path, message }) => `${fieldPath(path)}: ${message}`);
  // Deployed, every JWKS is fetched over https (plain http exists only in local mode, which never runs this).
  config.issuers.forEach((issuer, i) => {
    if (new URL(issuer.jwksUri).protocol !== 'https:') issues.push(`issuers[${i}].jwksUri: must be https`);
  });
  return issues;
}

/**
 * Checks a value against a JSON Schema generated by zod (the keywords above only); returns it with the schema's
 * defaults filled in, and every problem as `field: message`.
 */
export function checkJsonSchema(
  schema: Record<string, unknown>,
  value: unknown,
): { value: unknown; issues: string[] } {
  const issues: string[] = [];
  return { value: check(schema, value, [], issues), issues };
}

/**
 * Validates a parsed configuration document as lambda/core/config.ts's parseConfig does (deployed, not local
 * mode) and returns it with its defaults; throws listing every problem by field.
 */
export function validateConfig(input: unknown): BrokerConfig {
  const { value, issues } = checkJsonSchema(schemaDocument, input);
  const config = value as BrokerConfig;
  if (issues.length === 0) issues.push(...runtimeCrossFieldIssues(config));
  if (issues.length > 0) {
    throw new Error(`Invalid kvs-session-broker configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
  }
  return config;
}
