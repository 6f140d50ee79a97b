// The served OpenAPI document as partners' tools see it: lint-clean under Redocly's recommended rules, and a typed
// client generated from it with openapi-typescript type-checks the calls a partner writes (defaulted request fields
// optional, unknown fields refused, the answer's fields typed).
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConfig, lint } from '@redocly/openapi-core';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';

const DOCUMENT = fileURLToPath(new URL('../../../docs/openapi.json', import.meta.url));

/** A partner's code against the generated types; each line must type-check, or fail where it says. */
const USE = `import type { paths } from './api';
type Create = paths['/v1/streams/{streamName}/sessions']['post'];
type Body = NonNullable<Create['requestBody']>['content']['application/json'];
type Session = Create['responses'][200]['content']['application/json'];
type Listing = paths['/v1/streams']['get']['responses'][200]['content']['application/json'];

export const hls: Body = { protocol: 'HLS' };
export const nothing: Body = {};
export const replay: Body = { playbackMode: 'ON_DEMAND', startTimestamp: '2026-11-25T08:00:00Z', endTimestamp: '2026-11-25T09:00:00Z' };
// @ts-expect-error a field the API does not know
export const typo: Body = { protocl: 'HLS' };
// @ts-expect-error a protocol the API does not have
export const rtsp: Body = { protocol: 'RTSP' };
export const url = (s: Session): string => s.url;
export const names = (l: Listing): string[] => l.streams.map((s) => s.streamName);
`;

function typeErrors(dir: string): string[] {
  const program = ts.createProgram([join(dir, 'use.ts')], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('docs/openapi.json for partner tools', () => {
  it("has no problem under Redocly's recommended rules (@redocly/openapi-core)", async () => {
    const problems = await lint({ ref: DOCUMENT, config: await createConfig({ extends: ['recommended'] }) });
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message}`)).toEqual([]);
  });

  it('generates types with openapi-typescript that type-check a partner call such as { protocol: "HLS" }', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvs-openapi-ts-'));
    writeFileSync(join(dir, 'api.ts'), astToString(await openapiTS(new URL(`file://${DOCUMENT}`))));
    writeFileSync(join(dir, 'use.ts'), USE);
    expect(typeErrors(dir)).toEqual([]);
  });

  it('is what makes the check fail: a wrong body is a type error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvs-openapi-ts-'));
    writeFileSync(join(dir, 'api.ts'), astToString(await openapiTS(new URL(`file://${DOCUMENT}`))));
    writeFileSync(join(dir, 'use.ts'), `${USE}\nexport const wrong: Body = { expiresInSeconds: 'soon' };\n`);
    expect(typeErrors(dir)).toEqual([
      expect.stringMatching(/Type 'string' is not assignable to type 'number'/),
    ]);
  });
});
