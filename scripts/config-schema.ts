// `tsx scripts/config-schema.ts`: writes lambda/runtime/config-schema.json, the JSON Schema of the configuration
// document as zod describes it (z.toJSONSchema of lambda/core/config.ts's configSchema, input side: fields with a
// default are optional and carry it). The Lambdas validate KVS_BROKER_CONFIG against it at cold start
// (lambda/runtime/validate.ts) without bundling zod. A test fails when the committed file drifts from the schema.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import * as z from 'zod';
import { configSchema, KVS_BUDGET_MS } from '../lambda/core/config';

export const CONFIG_SCHEMA_PATH = fileURLToPath(
  new URL('../lambda/runtime/config-schema.json', import.meta.url),
);

/**
 * The generated document. The cross-field rules zod checks in code (superRefine) cannot be said in JSON Schema;
 * their one constant travels beside the schema, and lambda/runtime/validate.ts applies them.
 */
export function configSchemaDocument(): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(configSchema, { io: 'input' }) as Record<
    string,
    unknown
  >;
  return { ...schema, 'x-kvsBudgetMs': KVS_BUDGET_MS };
}

/** The file's text, formatted as the repository's prettier config formats JSON. */
export async function configSchemaText(): Promise<string> {
  const options = (await resolveConfig(CONFIG_SCHEMA_PATH)) ?? {};
  return format(JSON.stringify(configSchemaDocument()), { ...options, filepath: CONFIG_SCHEMA_PATH });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(CONFIG_SCHEMA_PATH, await configSchemaText());
  console.log('written to lambda/runtime/config-schema.json');
}
