// The one wiring from config `kvs` to the KVS adapter's options (the deployed broker, local mode and the bench).
import { describe, expect, it } from '@jest/globals';
import { kvsAdapterOptions } from '../../../lambda/kvs/options';

describe('kvsAdapterOptions', () => {
  it('takes how to call KVS from config (the TTL in ms) and where to call and on which clock from the caller', () => {
    const now = () => 0;
    const config = { kvs: { timeoutMs: 1500, maxAttempts: 4, dataEndpointTtlSeconds: 300 } };
    const placement = { region: 'eu-west-1', endpoint: 'http://127.0.0.1:4567', credentials: undefined, now };
    expect(kvsAdapterOptions(config, placement)).toStrictEqual({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4567',
      credentials: undefined,
      now,
      timeoutMs: 1500,
      maxAttempts: 4,
      dataEndpointTtlMs: 300_000,
    });
  });
});
