// The JSON Schema checker the Lambdas run instead of zod (lambda/core/json-schema.ts), keyword by keyword on small
// hand-written schemas: each rule and its exact message (zod's words, which the caller reads in INVALID_REQUEST),
// including the keywords only the configuration schema uses (`format: uri`, exclusive bounds) and the edges the
// generated request schemas do not reach. request-schemas.test.ts compares it with zod over every request schema.
import { describe, expect, it } from '@jest/globals';
import { checkJsonSchema, type JsonSchema, type SchemaIssue } from '../../../lambda/core/json-schema';

/** The issues `schema` finds in `value`, at the top (path []); `abort`: zod stopped there. */
const issues = (schema: JsonSchema, value: unknown) => checkJsonSchema(schema, value).issues;
const top = (message: string, abort = false): SchemaIssue => ({
  path: [],
  message,
  ...(abort ? { abort } : {}),
});

const MAX = Number.MAX_SAFE_INTEGER;

describe('checkJsonSchema: types', () => {
  it.each<[string, JsonSchema, unknown, SchemaIssue[]]>([
    ['no type: anything', {}, 5, []],
    ['no type: anything, a string too', { minLength: 1 }, 'x', []],
    ['null holds null', { type: 'null' }, null, []],
    [
      'null refuses a number',
      { type: 'null' },
      5,
      [top('Invalid input: expected null, received number', true)],
    ],
    ['nullable holds null (OpenAPI 3.0)', { type: 'string', nullable: true, minLength: 1 }, null, []],
    [
      'nullable false is no nullable',
      { type: 'string', nullable: false },
      null,
      [top('Invalid input: expected string, received null', true)],
    ],
    ['a type list holds either', { type: ['string', 'null'], minLength: 1 }, 'x', []],
    ['a type list holds null, no size checked', { type: ['string', 'null'], minLength: 1 }, null, []],
    [
      'a type list is named by its first non-null type',
      { type: ['null', 'string'] },
      5,
      [top('Invalid input: expected string, received number', true)],
    ],
    ['a number need not be whole', { type: 'number' }, 1.5, []],
    [
      'a number refuses text',
      { type: 'number' },
      'x',
      [top('Invalid input: expected number, received string', true)],
    ],
    ['an integer or null holds null', { type: ['integer', 'null'] }, null, []],
    ['an integer up to MAX_SAFE_INTEGER', { type: 'integer' }, MAX, []],
    ['an integer down to -MAX_SAFE_INTEGER', { type: 'integer' }, -MAX, []],
    [
      'an integer past MAX_SAFE_INTEGER',
      { type: 'integer' },
      MAX + 2,
      [top(`Too big: expected int to be <=${MAX}`)],
    ],
    ['a boolean has no array size', { type: ['boolean', 'array'], minItems: 1 }, true, []],
    ['minItems is for arrays only', { type: ['string', 'array'], minItems: 2 }, 'x', []],
    ['minLength is for strings only', { type: ['string', 'array'], minLength: 2 }, ['x'], []],
    ['a pattern is for strings only', { type: ['string', 'array'], pattern: '^a$' }, ['b'], []],
    ['an array without items', { type: 'array' }, [1, 'a'], []],
  ])('%s', (_rule, schema, value, expected) => {
    expect(issues(schema, value)).toStrictEqual(expected);
  });

  it('refuses a type it does not know, rather than pass over it', () => {
    expect(() => issues({ type: 'date' }, 5)).toThrow('JSON Schema: unsupported type date');
  });

  it('names a number in an enum or const as it is, a string in double quotes', () => {
    expect(issues({ const: 5 }, 6)).toStrictEqual([top('Invalid input: expected 5', true)]);
    expect(issues({ enum: [1, 'a'] }, 2)).toStrictEqual([top('Invalid option: expected one of 1|"a"', true)]);
  });
});

describe('checkJsonSchema: bounds and formats', () => {
  it.each<[string, JsonSchema, unknown, SchemaIssue[]]>([
    [
      'exclusiveMinimum refuses the limit',
      { type: 'number', exclusiveMinimum: 0 },
      0,
      [top('Too small: expected number to be >0')],
    ],
    [
      'exclusiveMinimum refuses below',
      { type: 'number', exclusiveMinimum: 0 },
      -1,
      [top('Too small: expected number to be >0')],
    ],
    ['exclusiveMinimum holds above', { type: 'number', exclusiveMinimum: 0 }, 0.5, []],
    [
      'exclusiveMaximum refuses the limit',
      { type: 'number', exclusiveMaximum: 1 },
      1,
      [top('Too big: expected number to be <1')],
    ],
    [
      'exclusiveMaximum refuses above',
      { type: 'number', exclusiveMaximum: 1 },
      2,
      [top('Too big: expected number to be <1')],
    ],
    ['exclusiveMaximum holds below', { type: 'number', exclusiveMaximum: 1 }, 0.5, []],
    ['maxLength holds the limit', { type: 'string', maxLength: 2 }, 'ab', []],
    [
      'maxLength refuses past it',
      { type: 'string', maxLength: 2 },
      'abc',
      [top('Too big: expected string to have <=2 characters')],
    ],
    [
      'maxLength with an equal minLength says exactly',
      { type: 'string', minLength: 2, maxLength: 2 },
      'abc',
      [top('Too big: expected string to have exactly 2 characters')],
    ],
    ['maxLength is for strings only', { type: ['string', 'array'], maxLength: 1 }, [1, 2], []],
    ['maxItems is for arrays only', { type: ['string', 'array'], maxItems: 1 }, 'ab', []],
    ['maxItems holds the limit', { type: 'array', maxItems: 2 }, [1, 2], []],
    [
      'maxItems refuses past it',
      { type: 'array', maxItems: 1 },
      [1, 2],
      [top('Too big: expected array to have <=1 items')],
    ],
    [
      'a uri format refuses what URL cannot parse',
      { type: 'string', format: 'uri' },
      'no url',
      [top('Invalid URL')],
    ],
    ['a uri format holds a URL', { type: 'string', format: 'uri' }, 'https://example.com/x', []],
    ['a uri format is for strings only', { format: 'uri' }, ['no url'], []],
    ['another format is its pattern only', { type: 'string', format: 'date' }, 'no url', []],
  ])('%s', (_rule, schema, value, expected) => {
    expect(issues(schema, value)).toStrictEqual(expected);
  });

  it("says maxItems' own message on a long array, and checks no item", () => {
    const schema = {
      type: 'array',
      maxItems: 1,
      items: { type: 'string' },
      'x-messages': { maxItems: 'one at most' },
    };
    expect(issues(schema, [1, 2])).toStrictEqual([top('one at most')]);
  });
});

describe('checkJsonSchema: anyOf', () => {
  it('takes the first alternative that holds, even where a later one fails', () => {
    const schema = { anyOf: [{ type: 'string' }, { type: 'string', minLength: 1 }] };
    expect(checkJsonSchema(schema, '')).toStrictEqual({ value: '', issues: [] });
    expect(checkJsonSchema(schema, 'x')).toStrictEqual({ value: 'x', issues: [] });
  });

  it("an inner union's Invalid input stops that alternative: the outer one answers as the alternative left", () => {
    const inner = { anyOf: [{ type: 'number' }, { type: 'boolean' }] };
    const schema = { anyOf: [inner, { type: 'string', minLength: 1 }] };
    expect(issues(inner, '')).toStrictEqual([top('Invalid input', true)]);
    expect(issues(schema, '')).toStrictEqual([top('Too small: expected string to have >=1 characters')]);
  });
});

describe('checkJsonSchema: unknown keys', () => {
  const schema = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false };

  it.each<[Record<string, unknown>, SchemaIssue[]]>([
    [{ a: 'x' }, []],
    [{ a: 'x', b: 1 }, [{ path: [], message: 'Unrecognized key: "b"', keys: ['b'] }]],
    [{ c: 1, a: 'x', b: 2 }, [{ path: [], message: 'Unrecognized keys: "c", "b"', keys: ['c', 'b'] }]],
  ])('%j', (value, expected) => {
    expect(issues(schema, value)).toStrictEqual(expected);
  });
});
