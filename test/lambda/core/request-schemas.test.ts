// The request inputs are checked without zod (lambda/core/input.ts over the generated request-schemas.ts), and must
// answer as zod does: for every schema registered in lambda/core/schemas/index.ts, on the bad inputs the API's tests
// name and on generated ones, both accept with the same value (defaults in) or both refuse with the same message.
// The committed generated file must be the generator's output (drift), and the generator must refuse what the
// interpreter cannot follow.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { fieldPath } from '../../../lambda/core/config-rules';
import { BrokerError } from '../../../lambda/core/errors';
import { checked, queryValues } from '../../../lambda/core/input';
import type { JsonSchema } from '../../../lambda/core/json-schema';
import * as generated from '../../../lambda/core/request-schemas';
import { REQUEST_SCHEMAS, type RequestSchemaName } from '../../../lambda/core/schemas/index';
import {
  interpreterSchema,
  REQUEST_SCHEMAS_PATH,
  requestSchemasText,
} from '../../../scripts/request-schemas';

type Answer = { ok: unknown } | { message: string };

/** What the broker answered with zod: the parsed value, or `field: message` of zod's first issue. */
function zodAnswer(schema: z.ZodType, value: unknown, where: string): Answer {
  const result = schema.safeParse(value);
  if (result.success) return { ok: result.data };
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    return { message: `${issue.keys.map((k) => fieldPath([...issue.path, k])).join(', ')}: unknown field` };
  }
  return { message: `${fieldPath(issue.path as (string | number)[]) || where}: ${issue.message}` };
}

function generatedAnswer(schema: JsonSchema, value: unknown, where: string): Answer {
  try {
    return { ok: checked(schema, value, where) };
  } catch (error) {
    if (error instanceof BrokerError && error.code === 'INVALID_REQUEST') return { message: error.message };
    throw error;
  }
}

const NAMES = Object.keys(REQUEST_SCHEMAS) as RequestSchemaName[];
const json = (name: RequestSchemaName) => generated[name];

function expectSameAnswer(name: RequestSchemaName, value: unknown, where = 'body'): Answer {
  const answer = generatedAnswer(json(name), value, where);
  expect(answer).toStrictEqual(zodAnswer(REQUEST_SCHEMAS[name], value, where));
  return answer;
}

const START = '2026-11-25T09:00:00Z';

/** The bad inputs of test/lambda/core/request.test.ts, test/http/session-errors.test.ts and the discovery tests. */
const CASES: [RequestSchemaName, unknown][] = [
  ...['', 'cam/1', 'a'.repeat(257), 'cam!1', undefined, null, 123, ['cam-1'], 'cam-1', 'a'.repeat(256)].map(
    (v) => ['STREAM_NAME_SCHEMA', v] as [RequestSchemaName, unknown],
  ),
  ...[
    {},
    { protocol: 'DASH', codec: 'h264' },
    { codec: 'h264', fps: 30 },
    { protocol: 'RTSP' },
    { protocol: 'RTSP', codec: 1 },
    { expiresInSeconds: 299 },
    { expiresInSeconds: 43201 },
    { expiresInSeconds: 300.5 },
    { expiresInSeconds: '300' },
    { expiresInSeconds: null },
    { expiresInSeconds: 1e20 },
    { expiresInSeconds: JSON.parse('1e400') as number },
    { maxFragmentResults: 0 },
    { maxFragmentResults: 5001 },
    { playbackMode: 'ON_DEMAND', startTimestamp: '2026-11-25T09:00:00' },
    { playbackMode: 'ON_DEMAND', startTimestamp: '2026-02-30T09:00:00Z' },
    { playbackMode: 'ON_DEMAND', startTimestamp: 5 },
    { playbackMode: 'ON_DEMAND', startTimestamp: START, endTimestamp: START },
    { speed: 2 },
    { protocol: 'HLS', containerFormat: 'MPEG_TS', discontinuityMode: 'NEVER', expiresInSeconds: 43200 },
    JSON.parse('{"__proto__": 1}'),
    { constructor: 1 },
    { toString: 'x' },
  ].map((v) => ['SESSION_REQUEST_SCHEMA', v] as [RequestSchemaName, unknown]),
];

const QUERIES = [
  undefined,
  {},
  { limit: '2' },
  { limit: '0' },
  { limit: '1001' },
  { limit: 'ten' },
  { limit: '1.5' },
  { limit: '-1' },
  { limit: ' 5' },
  { limit: '5 ' },
  { limit: '10000' },
  { limit: '' },
  { limit: '1e3' },
  { limit: '0100' },
  { nextToken: 'garbage!' },
  { other: 'x' },
];

describe('request-schemas.ts', () => {
  it('is what `npm run schemas` writes from lambda/core/schemas/ (run it after changing a zod schema)', async () => {
    expect(readFileSync(REQUEST_SCHEMAS_PATH, 'utf8')).toBe(await requestSchemasText());
  });

  it('has one schema per registered zod schema', () => {
    expect(Object.keys(generated).sort()).toEqual([...NAMES].sort());
  });
});

describe('the generated validators answer as zod does', () => {
  it.each(CASES)('%s on %j', (name, value) => {
    expectSameAnswer(name, value, name === 'STREAM_NAME_SCHEMA' ? 'streamName' : 'body');
  });

  it.each(QUERIES)('LIST_QUERY_SCHEMA on the query %j', (query) => {
    expectSameAnswer('LIST_QUERY_SCHEMA', queryValues(json('LIST_QUERY_SCHEMA'), query), 'query');
  });

  it('refuses and accepts among the cases above, so the agreement is not all one answer', () => {
    const answers = CASES.map(([name, value]) => generatedAnswer(json(name), value, 'body'));
    expect(answers.filter((a) => 'ok' in a).length).toBeGreaterThan(3);
    expect(answers.filter((a) => 'message' in a).length).toBeGreaterThan(20);
  });

  it.each(NAMES)('%s on generated inputs', (name) => {
    fc.assert(
      fc.property(valueFor(json(name)), (value) => {
        expectSameAnswer(name, value);
      }),
      { numRuns: 400 },
    );
  });
});

/** Values near what `schema` allows (mostly valid fields, some wrong, some unknown ones), or any JSON at all. */
function valueFor(schema: JsonSchema): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 5, arbitrary: nearValue(schema) }, { weight: 1, arbitrary: fc.jsonValue() });
}

function nearValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if (Array.isArray(schema.anyOf)) return fc.oneof(...(schema.anyOf as JsonSchema[]).map(valueFor));
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const known = fc.record(
        Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, valueFor(s)])),
        { requiredKeys: [] },
      );
      const extra = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 });
      return fc.oneof(
        { weight: 4, arbitrary: known },
        { weight: 1, arbitrary: fc.tuple(known, extra).map(([a, b]) => ({ ...b, ...a })) },
      );
    }
    case 'integer':
    case 'number': {
      const min = (schema.minimum as number | undefined) ?? -10;
      const max = (schema.maximum as number | undefined) ?? 10_000;
      return fc.oneof(
        fc.integer({ min: Math.max(min - 3, -1e9), max: Math.min(max + 3, 1e9) }),
        fc.constantFrom(min - 0.5, max + 0.5, min, max, 2 ** 53, -(2 ** 53)),
      );
    }
    case 'string':
      return typeof schema.pattern === 'string'
        ? fc.oneof(fc.stringMatching(new RegExp(schema.pattern as string)), fc.string({ maxLength: 30 }))
        : fc.string({ maxLength: 30 });
    case 'array':
      return fc.array(valueFor((schema.items ?? {}) as JsonSchema), { maxLength: 4 });
    default:
      return fc.jsonValue();
  }
}

/** Shapes the next routes' schemas will likely take (arrays, nested objects, unions, nulls, booleans, dates). */
const SHAPES: Record<string, z.ZodType> = {
  'a body with an array of names': z.strictObject({
    streams: z
      .array(z.string().regex(/^[a-zA-Z0-9_.-]{1,256}$/))
      .min(1)
      .max(4),
    protocol: z.enum(['DASH', 'HLS']).default('HLS'),
    layout: z
      .strictObject({ columns: z.int().min(1).max(4), label: z.string().max(5).optional() })
      .optional(),
  }),
  'a query of two dates and a count': z.object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }).optional(),
    maxResults: z.number().int().min(1).max(1000).default(100),
  }),
  'a body of optional strings, a nullable one and a boolean': z.strictObject({
    sub: z.string().min(1).max(8).optional(),
    jti: z.string().length(4).optional(),
    reason: z.string().max(10).nullable().optional(),
    all: z.boolean().default(false),
  }),
  'a body with a literal and a union': z.strictObject({
    clientId: z.string().regex(/^[a-z]{1,8}$/, 'must be 1 to 8 of a-z'),
    role: z.literal('VIEWER').default('VIEWER'),
    ice: z.union([z.literal(false), z.strictObject({ turn: z.boolean() })]).optional(),
  }),
};

describe('the interpreter on shapes the next routes need', () => {
  it.each(Object.entries(SHAPES))('answers as zod does on %s', (_what, schema) => {
    const generatedSchema = interpreterSchema(schema, 'SHAPE');
    fc.assert(
      fc.property(valueFor(generatedSchema), (value) => {
        expect(generatedAnswer(generatedSchema, value, 'body')).toStrictEqual(
          zodAnswer(schema, value, 'body'),
        );
      }),
      { numRuns: 400 },
    );
  });
});

describe('the interpreter on unions (zod answers with the one alternative it did not stop in)', () => {
  const union = z.union([z.literal(false), z.strictObject({ turn: z.boolean() })]);
  const sized = z.union([z.string().min(3), z.number().int().max(5)]);
  it.each<[string, z.ZodType, unknown]>([
    ['false | { turn }', union, { turn: false, extra: 1 }],
    ['false | { turn }', union, { turn: 'x' }],
    ['false | { turn }', union, true],
    ['false | { turn }', union, false],
    ['min-3 string | int <= 5', sized, 'ab'],
    ['min-3 string | int <= 5', sized, 7],
    ['min-3 string | int <= 5', sized, 1.5],
    ['min-3 string | int <= 5', sized, 1e20],
    ['min-3 string | int <= 5', sized, null],
  ])('%s: the same answer on %j', (_what, schema, value) => {
    expect(generatedAnswer(interpreterSchema(schema, 'U'), value, 'body')).toStrictEqual(
      zodAnswer(schema, value, 'body'),
    );
  });
});

describe('the generator', () => {
  it.each<[string, z.ZodType]>([
    ['a refine', z.string().refine((s) => s.length > 1)],
    ['a transform', z.string().transform((s) => s.length)],
    ['a trim', z.string().trim()],
    ['a regex with flags', z.string().regex(/^a+$/i)],
    ['startsWith', z.string().startsWith('a')],
    ['.int() after .min()', z.number().min(1).int()],
    ['a multipleOf', z.number().multipleOf(5)],
    ['a record', z.record(z.string(), z.number())],
    ['a loose object', z.looseObject({ a: z.string() })],
    ['a string format it has no name for', z.ipv4()],
    ['a discriminated union', z.discriminatedUnion('k', [z.object({ k: z.literal('a') })])],
  ])('refuses %s, which the interpreter cannot follow', (_what, schema) => {
    expect(() => interpreterSchema(z.strictObject({ field: schema }), 'TEST_SCHEMA')).toThrow(
      /^TEST_SCHEMA(\.field)?: .*which the JSON Schema interpreter cannot follow$/,
    );
  });

  it('writes string checks in the order zod checks them, and custom messages beside them', () => {
    expect(interpreterSchema(z.string().regex(/^a+$/, 'only a').min(3), 'S')).toEqual({
      type: 'string',
      'x-messages': { pattern: 'only a' },
      pattern: '^a+$',
      minLength: 3,
    });
    const schema = z.string().regex(/^a+$/).min(3);
    expect(generatedAnswer(interpreterSchema(schema, 'S'), 'b', 'q')).toEqual(zodAnswer(schema, 'b', 'q'));
  });
});
