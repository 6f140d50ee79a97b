// The OpenAPI document states DESIGN section 2 and 7: expectations written out here, not read from the tables the
// generator reads.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { openApiDocument } from '../../../lambda/core/openapi';

interface Response {
  description: string;
  headers?: Record<string, unknown>;
  content: { 'application/json': { schema: { $ref: string } } };
}
interface Doc {
  components: {
    schemas: {
      SessionRequest: { properties: Record<string, unknown>; additionalProperties: unknown };
      Error: { properties: { error: { properties: { code: { enum: string[] } } } } };
    };
  };
  paths: {
    '/v1/streams/{streamName}/sessions': { post: { responses: Record<string, Response> } };
    '/v1/streams': { get: { responses: Record<string, Response> } };
  };
}
const doc = () => openApiDocument() as unknown as Doc;

describe('docs/openapi.json', () => {
  it('is what the request schema and the error table generate (run `npm run openapi` after changing them)', () => {
    const committed = JSON.parse(readFileSync('docs/openapi.json', 'utf8')) as unknown;
    expect(committed).toEqual(openApiDocument());
  });
});

describe('openApiDocument', () => {
  it('documents every body field of DESIGN section 2 and refuses unknown ones', () => {
    const request = doc().components.schemas.SessionRequest;
    expect(Object.keys(request.properties).sort()).toEqual(
      [
        'containerFormat',
        'discontinuityMode',
        'displayFragmentNumber',
        'displayFragmentTimestamp',
        'endTimestamp',
        'expiresInSeconds',
        'fragmentSelectorType',
        'maxFragmentResults',
        'playbackMode',
        'protocol',
        'startTimestamp',
      ].sort(),
    );
    expect(request.additionalProperties).toBe(false);
  });

  it('lists the session route statuses of DESIGN section 2, each a JSON error but 200', () => {
    const responses = doc().paths['/v1/streams/{streamName}/sessions'].post.responses;
    expect(Object.keys(responses).sort()).toEqual(
      ['200', '400', '401', '403', '404', '422', '429', '502', '504'].sort(),
    );
    expect(responses['200']!.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Session',
    });
    for (const status of ['400', '401', '403', '404', '422', '429', '502', '504']) {
      expect(responses[status]!.content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/Error',
      });
    }
  });

  it('names the DESIGN code behind each error status', () => {
    const responses = doc().paths['/v1/streams/{streamName}/sessions'].post.responses;
    const codes = Object.fromEntries(
      Object.entries(responses)
        .filter(([s]) => s !== '200')
        .map(([s, r]) => [s, [...r.description.matchAll(/\b([A-Z][A-Z_]+): /g)].map((m) => m[1])]),
    );
    expect(codes).toEqual({
      '400': ['INVALID_REQUEST'],
      '401': ['UNAUTHORIZED'],
      '403': ['FORBIDDEN'],
      '404': ['NOT_FOUND'],
      '422': ['STREAM_NOT_PLAYABLE'],
      '429': ['THROTTLED'],
      '502': ['UPSTREAM_ERROR'],
      '504': ['UPSTREAM_TIMEOUT'],
    });
    expect(responses['422']!.description).toBe(
      'STREAM_NOT_PLAYABLE: The stream cannot be played over DASH/HLS; error.reason names the KVS exception',
    );
  });

  it('documents Retry-After on 429 and on no other status', () => {
    const responses = doc().paths['/v1/streams/{streamName}/sessions'].post.responses;
    const withHeaders = Object.entries(responses).filter(([, r]) => r.headers !== undefined);
    expect(withHeaders).toEqual([
      ['429', expect.objectContaining({ headers: { 'Retry-After': { schema: { type: 'integer' } } } })],
    ]);
  });

  it('lists the discovery statuses of DESIGN section 7: no 422, a listing plays nothing', () => {
    const responses = doc().paths['/v1/streams'].get.responses;
    expect(Object.keys(responses).sort()).toEqual(
      ['200', '400', '401', '403', '404', '429', '502', '504'].sort(),
    );
  });

  it('lists every error code in the Error schema, INTERNAL_ERROR included (the generic code of a bug of ours)', () => {
    // Copy before sorting: the document shares this array between calls.
    expect([...doc().components.schemas.Error.properties.error.properties.code.enum].sort()).toEqual(
      [
        'FORBIDDEN',
        'INTERNAL_ERROR',
        'INVALID_REQUEST',
        'NOT_FOUND',
        'STREAM_NOT_PLAYABLE',
        'THROTTLED',
        'UNAUTHORIZED',
        'UPSTREAM_ERROR',
        'UPSTREAM_TIMEOUT',
      ].sort(),
    );
  });
});
