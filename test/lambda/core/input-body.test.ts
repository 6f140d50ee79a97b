// A decoded JSON body checked against its schema (lambda/core/input.ts checkedBody): a body that is not a JSON object
// is refused before the schema, an empty body (undefined) is `{}` with the schema's defaults, and an issue about the
// body as a whole names `body` (docs/api.md, "Errors").
import { describe, expect, it } from '@jest/globals';
import { BrokerError } from '../../../lambda/core/errors';
import { checkedBody } from '../../../lambda/core/input';
import type { JsonSchema } from '../../../lambda/core/json-schema';

const refusal = (schema: JsonSchema, body: unknown) => {
  try {
    return checkedBody(schema, body);
  } catch (error) {
    if (error instanceof BrokerError) return `${error.code} ${error.message}`;
    throw error;
  }
};

const WITH_DEFAULT: JsonSchema = {
  type: 'object',
  properties: { protocol: { type: 'string', enum: ['DASH', 'HLS'], default: 'HLS' } },
  additionalProperties: false,
};

describe('checkedBody', () => {
  it.each([null, [], ['protocol'], 'DASH', 7, true])('refuses %j as no JSON object', (body) => {
    expect(refusal(WITH_DEFAULT, body)).toBe('INVALID_REQUEST body: must be a JSON object');
  });

  it('reads an empty body as {} with the defaults in', () => {
    expect(checkedBody(WITH_DEFAULT, undefined)).toStrictEqual({ protocol: 'HLS' });
    expect(checkedBody(WITH_DEFAULT, { protocol: 'DASH' })).toStrictEqual({ protocol: 'DASH' });
  });

  it('names the body itself when the issue is about it as a whole', () => {
    // Either `a` or `b`: with neither, no one field is at fault.
    const either: JsonSchema = {
      anyOf: [
        { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
        { type: 'object', properties: { b: { type: 'string' } }, required: ['b'] },
      ],
    };
    expect(refusal(either, { c: 'x' })).toBe('INVALID_REQUEST body: Invalid input');
    expect(refusal(either, { a: 'x' })).toStrictEqual({ a: 'x' });
  });

  it('names the field at fault otherwise', () => {
    expect(refusal(WITH_DEFAULT, { protocol: 'RTSP' })).toMatch(/^INVALID_REQUEST protocol: /);
  });
});
