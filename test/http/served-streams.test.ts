// Config `streams` scopes what the broker serves (and its IAM role): a grant cannot reach past it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LocalBroker } from '../../local/app';
import {
  captureOutput,
  devIssuerConfig,
  post,
  startTestBroker,
  type Captured,
} from '../support/local-broker';

let broker: LocalBroker;
let captured: Captured;
let token: string;

beforeAll(async () => {
  captured = captureOutput();
  broker = await startTestBroker((baseUrl) => ({
    issuers: [devIssuerConfig(baseUrl)],
    streams: ['cam-*', 'lobby'],
    local: { streams: ['cam-1', 'lobby', 'office-1'].map((name) => ({ name })), enforceQuotas: false },
  }));
  token = await broker.devIssuer!.mint({ sub: 'u', grants: [{ stream: '*' }] });
});
afterAll(async () => {
  captured.restore();
  await broker.close();
});

describe('config streams', () => {
  it('serves the streams they name', async () => {
    expect((await post(broker, 'cam-1', token)).status).toBe(200);
    expect((await post(broker, 'lobby', token)).status).toBe(200);
  });

  it('refuses another stream with 403 before KVS is called, even under a * grant', async () => {
    const before = broker.emulator.stats().requests;
    const res = await post(broker, 'office-1', token);
    expect(res.json).toEqual({
      error: { code: 'FORBIDDEN', message: 'This broker does not serve stream office-1' },
      requestId: expect.any(String),
    });
    expect(broker.emulator.stats().requests).toEqual(before);
  });

  it('lists only the streams they name', async () => {
    const res = await fetch(`${broker.url}/v1/streams`, { headers: { Authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { streams: { streamName: string }[] };
    expect(body.streams.map((s) => s.streamName)).toEqual(['cam-1', 'lobby']);
  });
});
