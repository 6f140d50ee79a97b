// The OpenAPI document passes Spectral's `spectral:oas` ruleset (recommended rules) with nothing to report: what a
// partner's tooling lints first. Spectral runs here as a library, on the committed docs/openapi.json.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import core from '@stoplight/spectral-core';
import parsers from '@stoplight/spectral-parsers';
import rulesets from '@stoplight/spectral-rulesets';
import { openApiDocument } from '../../../lambda/contract/openapi';

async function lint(text: string) {
  const spectral = new core.Spectral();
  spectral.setRuleset({ extends: [[rulesets.oas as never, 'recommended']] });
  const results = await spectral.run(new core.Document(text, parsers.Json, 'openapi.json'));
  return results.map((r) => `${r.code} at ${r.path.join('.')}: ${r.message}`);
}

describe('Spectral spectral:oas (recommended)', () => {
  it('reports nothing on docs/openapi.json: no error, warning, information or hint', async () => {
    expect(await lint(readFileSync('docs/openapi.json', 'utf8'))).toEqual([]);
  });

  it('reports nothing on the document as served locally (with the local server first)', async () => {
    expect(await lint(JSON.stringify(openApiDocument({ servedAt: 'http://127.0.0.1:3000' })))).toEqual([]);
  });

  it('is live: it reports an operation without tags or description', async () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, Record<string, unknown>>> };
    delete doc.paths['/v1/streams']!.get!.tags;
    delete doc.paths['/v1/streams']!.get!.description;
    expect(await lint(JSON.stringify(doc))).toEqual([
      expect.stringMatching(/^operation-description at paths\.\/v1\/streams\.get/),
      expect.stringMatching(/^operation-tags at paths\.\/v1\/streams\.get/),
    ]);
  });
});
