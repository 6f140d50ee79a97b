// The broker every session test starts (one per test): the dev issuer, a partner issuer reading OAuth2 scopes
// confined to `acme-`, and emulated streams for each row of the contract's error table.
import type { LocalBroker } from '../../local/app';
import { devIssuerConfig } from '../support/local-broker';

export const APP_ORIGIN = 'https://app.example.com';

export function sessionConfig(partnerJwksUrl: string) {
  return (baseUrl: string) => ({
    issuers: [
      devIssuerConfig(baseUrl),
      {
        issuer: 'https://partner.example.net/',
        jwksUri: partnerJwksUrl,
        audience: 'partner-video',
        algorithms: ['RS256'],
        grantsFrom: 'scope',
        streamPrefix: 'acme-',
      },
    ],
    sessions: { defaultExpiresSeconds: 300, maxExpiresSeconds: 3600 },
    kvs: { timeoutMs: 400, maxAttempts: 1, dataEndpointTtlSeconds: 300 },
    api: { authorizerCacheTtlSeconds: 300, throttlingRateLimit: 1000, throttlingBurstLimit: 1000 },
    cors: { allowOrigins: [APP_ORIGIN] },
    local: {
      streams: [
        { name: 'cam-1' },
        { name: 'cam-lobby' },
        { name: 'acme-cam-1' },
        { name: 'cam-no-retention', dataRetentionInHours: 0 },
        { name: 'cam-audio', mediaType: 'audio/opus' },
      ],
      enforceQuotas: true,
    },
  });
}

export function addFaultyStreams(broker: LocalBroker): void {
  broker.emulator.putStream({ name: 'cam-forbidden-role', fault: 'NotAuthorizedException' });
  broker.emulator.putStream({ name: 'cam-no-codec', fault: 'MissingCodecPrivateDataException' });
  broker.emulator.putStream({ name: 'cam-bad-codec', fault: 'InvalidCodecPrivateDataException' });
  broker.emulator.putStream({ name: 'cam-slow', latencyMs: 1500 });
  broker.emulator.putStream({ name: 'cam-broken', fault: 'InternalServerError' });
}

/** API Gateway's request id: a UUID, sent as x-amzn-RequestId and as the error body's requestId. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
