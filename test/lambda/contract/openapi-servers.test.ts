// The OpenAPI document's servers (lambda/contract/openapi-servers.ts): the deployed stage as a variable, and the
// answering server listed first when it knows its URL (local mode), as GET /openapi.json serves it.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { openApiServers, servedOpenApiJson, STAGE_SERVER } from '../../../lambda/contract/openapi-servers';

const served = (url: string) => ({ url, description: 'The server that served this document' });

describe('openApiServers', () => {
  it('lists only the deployed stage when the document is not served from a known URL', () => {
    expect(openApiServers()).toEqual([STAGE_SERVER]);
  });

  it.each([
    ['http://127.0.0.1:4321', 'http://127.0.0.1:4321'],
    ['http://127.0.0.1:4321/', 'http://127.0.0.1:4321'],
    ['http://localhost:4321/base//', 'http://localhost:4321/base'],
  ])('lists %s first, without trailing slashes, then the stage', (servedAt, url) => {
    expect(openApiServers(servedAt)).toEqual([served(url), STAGE_SERVER]);
  });
});

describe('servedOpenApiJson', () => {
  it("replaces the committed document's servers with the answering server and the stage, and keeps the rest", () => {
    const committed = readFileSync('docs/openapi.json', 'utf8');
    const document = JSON.parse(committed) as Record<string, unknown>;
    const out = JSON.parse(servedOpenApiJson(committed, 'http://127.0.0.1:4321/')) as Record<string, unknown>;
    expect(out.servers).toEqual([served('http://127.0.0.1:4321'), STAGE_SERVER]);
    expect({ ...out, servers: document.servers }).toEqual(document);
    // the same order of members as the committed document
    expect(Object.keys(out)).toEqual(Object.keys(document));
  });
});
