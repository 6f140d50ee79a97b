// GET /openapi.json answers with the committed docs/openapi.json (`npm run schemas` writes it from the zod
// schemas; test/lambda/contract/openapi.test.ts fails when it is stale), never generated at run time.
// The Lambda build replaces this module: the bundle reads the same text from a file beside it (scripts/build.ts).
import document from '../../docs/openapi.json' with { type: 'json' };

/** The OpenAPI document as compact JSON text. */
export function openApiJson(): string {
  return JSON.stringify(document);
}
