// `npm run schemas`: writes everything generated from the zod schemas, which stay the source of truth:
//   lambda/core/request-schemas.ts   the request bodies, queries and path parameters (lambda/core/schemas/)
//   lambda/runtime/config-schema.ts  the configuration document (lambda/core/config.ts)
//   docs/openapi.json                the OpenAPI document, which the broker serves as it is committed
// so that no Lambda bundles zod. Each has a test that fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONFIG_SCHEMA_PATH, configSchemaText } from './config-schema';
import { OPENAPI_PATH, openApiText } from './openapi';
import { REQUEST_SCHEMAS_PATH, requestSchemasText } from './request-schemas';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

for (const [path, text] of [
  [REQUEST_SCHEMAS_PATH, await requestSchemasText()],
  [CONFIG_SCHEMA_PATH, await configSchemaText()],
  [OPENAPI_PATH, openApiText()],
] as const) {
  writeFileSync(path, text);
  console.log(`written to ${path.slice(ROOT.length)}`);
}
