// Cold-start validation of the configuration without a schema library in the bundle. The schema is
// config-schema.ts, generated from lambda/core/config.ts's zod schema (`npm run schemas`, drift-tested); the
// interpreter of lambda/core/json-schema.ts checks it in zod's words and applies its defaults, then the cross-field
// rules zod checks in code are applied. Any keyword it does not know fails the cold start: never a silent pass.
import type { BrokerConfig } from '../core/config';
import { crossFieldIssues, fieldPath } from '../core/config-rules';
import { checkJsonSchema } from '../core/json-schema';
import { CONFIG_SCHEMA as schemaDocument } from './config-schema';

/** The config's own cross-field rules (lambda/core/config-rules.ts, as zod applies them), plus https JWKS. */
function runtimeCrossFieldIssues(config: BrokerConfig): string[] {
  const issues = crossFieldIssues(config).map(({ path, message }) => `${fieldPath(path)}: ${message}`);
  // Deployed, every JWKS is fetched over https (plain http exists only in local mode, which never runs this).
  config.issuers.forEach((issuer, i) => {
    if (new URL(issuer.jwksUri).protocol !== 'https:') issues.push(`issuers[${i}].jwksUri: must be https`);
  });
  return issues;
}

/**
 * Validates a parsed configuration document as lambda/core/config.ts's parseConfig does (deployed, not local
 * mode) and returns it with its defaults; throws listing every problem by field.
 */
export function validateConfig(input: unknown): BrokerConfig {
  const checked = checkJsonSchema(schemaDocument, input);
  const config = checked.value as BrokerConfig;
  const issues = checked.issues.flatMap(({ path, message, keys }) =>
    keys
      ? keys.map((key) => `${fieldPath([...path, key])}: unknown field`)
      : [`${fieldPath(path) || '(document)'}: ${message}`],
  );
  if (issues.length === 0) issues.push(...runtimeCrossFieldIssues(config));
  if (issues.length > 0) {
    throw new Error(`Invalid kvs-session-broker configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
  }
  return config;
}
