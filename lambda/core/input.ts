// Request input checked against the JSON Schemas generated from the zod schemas (request-schemas.ts, written by
// `npm run schemas`), with zod's answer: its defaults, its first issue, its words. A failure is the INVALID_REQUEST
// that names the field (docs/api.md): `field: message`, every unknown field at once (`a, b: unknown field`).
import { fieldPath } from './config-rules';
import { BrokerError } from './errors';
import { checkJsonSchema, type JsonSchema, type SchemaIssue } from './json-schema';

/** The message of an input's first issue, `where` naming the input when the issue is about it as a whole. */
export function issueMessage(issue: SchemaIssue, where: string): string {
  if (issue.keys) return `${issue.keys.map((k) => fieldPath([...issue.path, k])).join(', ')}: unknown field`;
  return `${fieldPath(issue.path) || where}: ${issue.message}`;
}

/** A value checked against `schema`: zod's parse of it (defaults in), or INVALID_REQUEST naming `where`. */
export function checked<T>(schema: JsonSchema, value: unknown, where: string): T {
  const result = checkJsonSchema(schema, value);
  const issue = result.issues[0];
  if (issue) throw new BrokerError('INVALID_REQUEST', issueMessage(issue, where));
  return result.value as T;
}

/** A decoded JSON body (undefined for an empty one: every field optional) checked against its schema. */
export function checkedBody<T>(schema: JsonSchema, body: unknown): T {
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    throw new BrokerError('INVALID_REQUEST', 'body: must be a JSON object');
  }
  return checked<T>(schema, body ?? {}, 'body');
}

/**
 * Query text read as the schema's types: an integer is decimal digits, a number what `Number` reads whole, a
 * boolean `true` or `false`; anything else stays text, so the check refuses it in the schema's words.
 */
export function queryValues(
  schema: JsonSchema,
  query: Readonly<Record<string, string | undefined>> | null | undefined,
): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const out: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(query ?? {})) {
    const type = properties[name]?.type;
    if (text === undefined || !Object.hasOwn(properties, name)) continue;
    if (type === 'integer' && /^-?\d+$/.test(text)) out[name] = Number(text);
    else if (type === 'number' && text.trim() !== '' && Number.isFinite(Number(text)))
      out[name] = Number(text);
    else if (type === 'boolean' && (text === 'true' || text === 'false')) out[name] = text === 'true';
    else out[name] = text;
  }
  return out;
}

/** A query (API Gateway's queryStringParameters) checked against its schema; unknown parameters are ignored. */
export function checkedQuery<T>(
  schema: JsonSchema,
  query: Readonly<Record<string, string | undefined>> | null | undefined,
): T {
  return checked<T>(schema, queryValues(schema, query), 'query');
}
