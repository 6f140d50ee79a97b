import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ERROR_STATUS } from '../../../lambda/core/errors';
import { openApiDocument } from '../../../lambda/core/openapi';

describe('docs/openapi.json', () => {
  it('is what the request schema and the error table generate (run `npm run openapi` after changing them)', () => {
    const committed = JSON.parse(readFileSync('docs/openapi.json', 'utf8')) as unknown;
    expect(committed).toEqual(openApiDocument());
  });

  it('documents every body field, refuses unknown ones, and lists every public error status', () => {
    const doc = openApiDocument() as {
      components: {
        schemas: { SessionRequest: { properties: Record<string, unknown>; additionalProperties: unknown } };
      };
      paths: Record<string, { post?: { responses: Record<string, unknown> } }>;
    };
    const request = doc.components.schemas.SessionRequest;
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
    const statuses = Object.keys(doc.paths['/v1/streams/{streamName}/sessions']!.post!.responses).sort();
    const expected = [
      ...new Set(
        Object.entries(ERROR_STATUS)
          .filter(([c]) => c !== 'INTERNAL_ERROR')
          .map(([, s]) => String(s)),
      ),
    ];
    expect(statuses).toEqual(['200', ...expected].sort());
  });
});
