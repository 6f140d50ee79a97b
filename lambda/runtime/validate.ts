// Cold-start validation of the configuration without a schema library in the bundle. The schema is
// config-schema.ts, generated from lambda/core/config.ts's zod schema (`npm run schemas`, drift-tested); the
// interpreter of lambda/core/json-schema.ts checks it in zod's words and applies its defaults, then the cross-field
// rules zod checks in code are applied. Any keyword it does not know fails the cold start: never a silent pass.
import type { BrokerConfig } from '../core/config';
import { crossFieldIssues, fieldPath, issuerIssues, type ConfigIssue } from '../core/config-rules';
import { checkJsonSchema } from '../core/json-schema';
import { AUTHORIZER_CONFIG_SCHEMA, CONFIG_SCHEMA } from './config-schema';

/** What the authorizer reads of the configuration. */
export type AuthorizerConfig = Pick<BrokerConfig, 'issuers' | 'clockToleranceSeconds' | 'limits'>;

/** Checks a document against a schema, then the cross-field rules; returns it with its defaults, or throws. */
function check<T extends Pick<BrokerConfig, 'issuers'>>(
  schema: Record<string, unknown>,
  input: unknown,
  crossField: (config: T) => ConfigIssue[],
): T {
  const checked = checkJsonSchema(schema, input);
  const config = checked.value as T;
  const issues = checked.issues.flatMap(({ path, message, keys }) =>
    keys
      ? keys.map((key) => `${fieldPath([...path, key])}: unknown field`)
      : [`${fieldPath(path) || '(document)'}: ${message}`],
  );
  if (issues.length === 0) {
    issues.push(...crossField(config).map(({ path, message }) => `${fieldPath(path)}: ${message}`));
    // Deployed, every JWKS is fetched over https (plain http exists only in local mode, which never runs this).
    config.issuers.forEach((issuer, i) => {
      if (new URL(issuer.jwksUri).protocol !== 'https:') issues.push(`issuers[${i}].jwksUri: must be https`);
    });
  }
  if (issues.length > 0) {
    throw new Error(`Invalid kvs-session-broker configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
  }
  return config;
}

/**
 * Validates a parsed configuration document as lambda/core/config.ts's parseConfig does (deployed, not local
 * mode) and returns it with its defaults; throws listing every problem by field.
 */
export function validateConfig(input: unknown): BrokerConfig {
  return check<BrokerConfig>(CONFIG_SCHEMA, input, crossFieldIssues);
}

/**
 * The authorizer's sections of the document (issuers, clock tolerance, grant cap), checked as validateConfig
 * checks them; the other sections are the broker's. Its bundle then carries no schema of what it never reads.
 */
export function validateAuthorizerConfig(input: unknown): AuthorizerConfig {
  return check<AuthorizerConfig>(AUTHORIZER_CONFIG_SCHEMA, input, (config) => issuerIssues(config.issuers));
}
