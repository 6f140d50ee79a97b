// THE wiring from the config to the KVS adapter (deployed broker, local mode, bench): config `kvs` says how the
// adapter calls KVS; where it calls (region, endpoint, credentials) and its clock are the caller's.
import type { BrokerConfig } from '../core/config';
import type { KvsAdapterOptions } from './adapter';

/** Where the adapter calls and on which clock: the Lambda's region and role, or the local emulator. */
export type KvsPlacement = Pick<KvsAdapterOptions, 'region' | 'endpoint' | 'credentials' | 'now'>;

/** The adapter's options from config `kvs` (timeouts, attempts, data-endpoint TTL) and a placement. */
export function kvsAdapterOptions(
  config: Pick<BrokerConfig, 'kvs'>,
  placement: KvsPlacement,
): KvsAdapterOptions {
  return {
    ...placement,
    timeoutMs: config.kvs.timeoutMs,
    maxAttempts: config.kvs.maxAttempts,
    dataEndpointTtlMs: config.kvs.dataEndpointTtlSeconds * 1000,
  };
}
