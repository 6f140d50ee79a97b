// Cold-start configuration of the Cognito trigger: the one place that reads its environment variable.
import { parseCognitoGrantsConfig, type CognitoGrantsConfig } from './mapping';

/** Name of the environment variable holding the mapping config JSON (set by the CDK construct). */
export const COGNITO_CONFIG_ENV = 'KVS_COGNITO_GRANTS_CONFIG';

/** Parses and validates the config once; a bad one fails the cold start (and so the sign-in) loudly. */
export function configFromEnv(env: Record<string, string | undefined>): CognitoGrantsConfig {
  const raw = env[COGNITO_CONFIG_ENV];
  if (!raw) throw new Error(`${COGNITO_CONFIG_ENV} is not set`);
  return parseCognitoGrantsConfig(JSON.parse(raw));
}
