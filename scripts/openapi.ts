// docs/openapi.json: the OpenAPI document generated from the route table, the zod schemas and the error table
// (lambda/contract/openapi.ts). Written by `npm run schemas`; the broker serves the committed file.
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '../lambda/contract/openapi';

export const OPENAPI_PATH = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));

export function openApiText(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}
