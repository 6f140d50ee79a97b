// The KVS adapter's options as the tests against the local emulator give them: one place for what no test is about.
import type { KvsAdapterOptions } from '../../lambda/kvs/adapter';

/** The emulator's test credentials (it checks the access key ID and signs with the secret). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' };

/**
 * Adapter options against a local `endpoint`: 2 s per attempt, 3 attempts, a 5-minute data-endpoint cache, waits that
 * end at once and the middle of the jitter. Each test passes its own clock (`now`, undefined for the default
 * Date.now) and whatever else it states.
 */
export function testAdapterOptions(
  endpoint: string,
  overrides: Partial<KvsAdapterOptions> & Pick<KvsAdapterOptions, 'now'>,
): KvsAdapterOptions {
  return {
    region: 'us-east-1',
    endpoint,
    credentials: LOCAL_CREDENTIALS,
    timeoutMs: 2000,
    maxAttempts: 3,
    dataEndpointTtlMs: 300_000,
    sleep: async () => {},
    random: () => 0.5,
    ...overrides,
  };
}
