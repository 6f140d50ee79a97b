// For the broker bundle only (scripts/build.ts aliases `@aws-sdk/credential-provider-node` to this file): the
// SDK clients' default credential chain reduced to the environment. Lambda puts the execution role's credentials
// in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN before the handler loads, so the rest of the
// chain (shared ini files, SSO, process, web identity, container and instance metadata) is never reached there.
// Measured in `npm run bench` ("fromEnv" variants): about 120 KB of the broker bundle. Passing `credentials:
// fromEnv()` to the clients instead would keep those bytes: each client's runtimeConfig imports the chain.
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** The one export of `@aws-sdk/credential-provider-node` the clients' runtimeConfig imports. */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
