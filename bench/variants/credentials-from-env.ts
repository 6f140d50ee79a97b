// Measured variant (not deployed): the SDK clients' default credential chain replaced by the environment alone.
// In Lambda the role's credentials are always in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN), so the rest of the chain (ini files, SSO, process, web identity, IMDS/ECS) is never used.
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
