// Cold-start configuration for the deployed Lambdas: the one place that reads process.env.
// The document was validated with zod at synth; here it is checked again against the JSON Schema generated from
// that same zod schema (validate.ts), so that neither bundle carries zod. A malformed value still fails closed.
import type { BrokerConfig } from '../core/config';
import { validateAuthorizerConfig, validateConfig, type AuthorizerConfig } from './validate';

/** Name of the environment variable holding the validated configuration JSON (set by the CDK construct). */
export const CONFIG_ENV = 'KVS_BROKER_CONFIG';

/** Parses and validates the configuration once; a bad one fails the cold start loudly, never a request. */
export function configFromEnv(env: Record<string, string | undefined>): BrokerConfig {
  return validateConfig(JSON.parse(rawConfig(env)));
}

/** The authorizer's sections of it (validateAuthorizerConfig), parsed and validated once. */
export function authorizerConfigFromEnv(env: Record<string, string | undefined>): AuthorizerConfig {
  return validateAuthorizerConfig(JSON.parse(rawConfig(env)));
}

function rawConfig(env: Record<string, string | undefined>): string {
  const raw = env[CONFIG_ENV];
  if (!raw) throw new Error(`${CONFIG_ENV} is not set`);
  return raw;
}

/** Name of the environment variable holding the viewer-state table's name (set by the construct when it makes one). */
export const STATE_TABLE_ENV = 'KVS_BROKER_STATE_TABLE';

/** The viewer-state table's name, when the construct made one. */
export function stateTableFromEnv(env: Record<string, string | undefined>): string | undefined {
  return env[STATE_TABLE_ENV] || undefined;
}
