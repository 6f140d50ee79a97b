// The broker the viewer-control tests start: the dev issuer may revoke (adminScope), seats limited per principal,
// and the embedded DynamoDB (dynalite) that local mode starts for them.
import { devIssuerConfig } from '../support/local-broker';

export const ADMIN_SCOPE = 'kvs:admin';

export function viewerConfig(options: { seatsPerPrincipal?: number; jwksBaseUrl?: string } = {}) {
  return (baseUrl: string) => ({
    issuers: [
      {
        ...devIssuerConfig(options.jwksBaseUrl ?? baseUrl),
        adminScope: ADMIN_SCOPE,
        maxTokenAgeSeconds: 3600,
      },
    ],
    sessions: { defaultExpiresSeconds: 300, maxExpiresSeconds: 3600 },
    kvs: { timeoutMs: 1000, maxAttempts: 1, dataEndpointTtlSeconds: 300 },
    api: {
      authorizerCacheTtlSeconds: 300,
      throttlingRateLimit: 10000,
      throttlingBurstLimit: 10000,
      ipRateLimit: false,
    },
    // The longest per-attempt timeout: 50 racing requests on a loaded test machine must not time out dynalite.
    state: { timeoutMs: 2000, maxAttempts: 5 },
    ...(options.seatsPerPrincipal !== undefined
      ? { viewers: { seatsPerPrincipal: options.seatsPerPrincipal } }
      : {}),
    local: { streams: [{ name: 'cam-1' }, { name: 'cam-2' }], enforceQuotas: false },
  });
}
