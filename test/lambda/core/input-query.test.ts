// Query text read as the schema's types (lambda/core/input.ts): an integer is decimal digits, a number what
// `Number` reads whole (not blank), a boolean `true` or `false`, anything else stays text for the check to refuse in
// the schema's words; undefined values and names the schema does not declare are dropped (docs/api.md).
import { describe, expect, it } from '@jest/globals';
import { BrokerError } from '../../../lambda/core/errors';
import { checkedQuery, queryValues } from '../../../lambda/core/input';
import type { JsonSchema } from '../../../lambda/core/json-schema';
import { LIST_QUERY_SCHEMA, TIMELINE_QUERY_SCHEMA } from '../../../lambda/core/request-schemas';

const SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    count: { type: 'integer' },
    ratio: { type: 'number' },
    flag: { type: 'boolean' },
    name: { type: 'string' },
  },
};

/** What one parameter reads as, alone in the query. */
const read = (name: string, text: string) => queryValues(SCHEMA, { [name]: text })[name];

const refusal = (schema: JsonSchema, query: Record<string, string | undefined> | null) => {
  try {
    checkedQuery(schema, query);
  } catch (error) {
    if (error instanceof BrokerError) return `${error.code} ${error.message}`;
    throw error;
  }
  return 'accepted';
};

describe('queryValues', () => {
  it.each([
    ['42', 42],
    ['-7', -7],
    ['0', 0],
    ['0100', 100],
  ])('reads the integer %j as %j', (text, value) => {
    expect(read('count', text)).toBe(value);
  });

  it.each(['1.5', '1e3', ' 4', '4 ', '+4', '0x10', '-', ''])('leaves %j as text for an integer', (text) => {
    expect(read('count', text)).toBe(text);
  });

  it.each([
    ['1.5', 1.5],
    ['-2.5e3', -2500],
    ['42', 42],
    ['0', 0],
  ])('reads the number %j as %j', (text, value) => {
    expect(read('ratio', text)).toBe(value);
  });

  it.each(['', ' ', '\t', 'Infinity', '-Infinity', 'NaN', '1.5x', 'one'])(
    'leaves %j as text for a number (blank would read as 0, the others are not finite numbers)',
    (text) => {
      expect(read('ratio', text)).toBe(text);
    },
  );

  it('reads a boolean from `true` and `false` only', () => {
    expect(read('flag', 'true')).toBe(true);
    expect(read('flag', 'false')).toBe(false);
    for (const text of ['TRUE', 'False', '1', '0', 'yes', '']) expect(read('flag', text)).toBe(text);
  });

  it('leaves a string as it is, however it reads as another type', () => {
    for (const text of ['123', '-1', '1.5', 'true', 'false', '', ' ']) expect(read('name', text)).toBe(text);
  });

  it('reads each parameter by its own type', () => {
    expect(queryValues(SCHEMA, { count: '3', ratio: '0.5', flag: 'false', name: '3' })).toStrictEqual({
      count: 3,
      ratio: 0.5,
      flag: false,
      name: '3',
    });
  });

  it('drops an undefined value (the key is absent, not present as undefined)', () => {
    expect(queryValues(SCHEMA, { count: undefined, ratio: undefined, name: 'a' })).toStrictEqual({
      name: 'a',
    });
  });

  it('drops a name the schema does not declare, prototype names included (own properties only)', () => {
    const names = ['other', 'constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];
    // JSON.parse makes each an own property, `__proto__` too, as API Gateway's parameters are.
    const query = JSON.parse(`{${names.map((n) => `"${n}":"1"`).join(',')}}`) as Record<string, string>;
    expect(Object.keys(query)).toEqual(names);
    expect(queryValues(SCHEMA, query)).toStrictEqual({});
    expect(queryValues(SCHEMA, { count: '1', other: '2' })).toStrictEqual({ count: 1 });
  });

  it('reads no query (API Gateway gives null) and a schema without properties as no values', () => {
    expect(queryValues(SCHEMA, null)).toStrictEqual({});
    expect(queryValues(SCHEMA, undefined)).toStrictEqual({});
    expect(queryValues({ type: 'object' }, { count: '1' })).toStrictEqual({});
  });
});

describe('checkedQuery', () => {
  it("answers the schema's parse: values read, defaults in, unknown parameters ignored", () => {
    expect(checkedQuery(LIST_QUERY_SCHEMA, null)).toStrictEqual({ limit: 100 });
    expect(checkedQuery(LIST_QUERY_SCHEMA, { limit: '20', sort: 'asc' })).toStrictEqual({ limit: 20 });
    expect(checkedQuery(LIST_QUERY_SCHEMA, { limit: undefined, nextToken: '42' })).toStrictEqual({
      limit: 100,
      nextToken: '42',
    });
  });

  it('refuses a value that is not of its type in the schema message, a negative integer by its bound', () => {
    const range = { from: '2026-01-15T12:00:00Z', to: '2026-01-15T12:01:00Z' };
    expect(refusal(LIST_QUERY_SCHEMA, { limit: '1.5' })).toBe(
      'INVALID_REQUEST limit: must be an integer from 1 to 1000',
    );
    expect(refusal(TIMELINE_QUERY_SCHEMA, { ...range, gapMs: ' 5' })).toBe(
      'INVALID_REQUEST gapMs: must be an integer',
    );
    expect(refusal(TIMELINE_QUERY_SCHEMA, { ...range, gapMs: '-1' })).toBe(
      'INVALID_REQUEST gapMs: must be at least 0',
    );
    expect(refusal(TIMELINE_QUERY_SCHEMA, { to: range.to })).toBe(
      'INVALID_REQUEST from: must be an ISO 8601 date-time with a zone',
    );
  });

  it('names the query itself when the issue is about it as a whole', () => {
    // Either `a` or `b`: with neither, no one field is at fault.
    const either: JsonSchema = {
      anyOf: [
        { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
        { type: 'object', properties: { b: { type: 'string' } }, required: ['b'] },
      ],
    };
    expect(refusal(either, { c: 'x' })).toBe('INVALID_REQUEST query: Invalid input');
    expect(refusal(either, null)).toBe('INVALID_REQUEST query: Invalid input');
  });
});
