// What a request gets when the viewer-state table fails (docs/api.md, errors): 503 STATE_UNAVAILABLE with
// Retry-After, audited as FAILED, never a session (fail closed), after the retries one deadline allows.
import { afterAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brokerPerTest } from '../support/broker-fixture';
import { viewerConfig } from './viewer-config';

/** A server that answers every DynamoDB call as a throttled table does (DynamoDB's JSON error protocol). */
async function throttledTable(): Promise<{ endpoint: string; calls: () => number; server: Server }> {
  let calls = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls += 1;
      res.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
          message: 'The level of configured provisioned throughput for the table was exceeded.',
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => calls,
    server,
  };
}

/** A loopback port nothing listens on: connections are refused. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}`;
}

const throttled = await throttledTable();
const unreachable = await closedPort();
afterAll(() => new Promise((r) => throttled.server.close(r)));

const STATE_UNAVAILABLE = {
  code: 'STATE_UNAVAILABLE',
  message: 'The viewer-state table did not answer; retry later',
};

describe('a throttled table', () => {
  const fixture = brokerPerTest({
    config: (b) => ({
      ...viewerConfig({ seatsPerPrincipal: 2 })(b),
      state: { timeoutMs: 500, maxAttempts: 3 },
    }),
    state: { endpoint: throttled.endpoint, tableName: 'kvs-session-broker-state' },
  });

  it('is retried maxAttempts times, then the session is 503 STATE_UNAVAILABLE with Retry-After, audited FAILED', async () => {
    const f = fixture();
    const before = throttled.calls();
    const res = await f.post('cam-1', await f.mint([{ stream: 'cam-1' }]), { viewerId: 'phone' });
    expect(res).toEqual({
      status: 503,
      headers: expect.objectContaining({ 'retry-after': '1' }),
      json: { error: STATE_UNAVAILABLE, requestId: expect.any(String) },
    });
    // The revocation read (3 attempts); no seat is attempted once it failed.
    expect(throttled.calls() - before).toBe(3);
    expect(f.audit(res.headers['x-amzn-requestid'])).toEqual([
      expect.objectContaining({ outcome: 'FAILED', errorCode: 'STATE_UNAVAILABLE' }),
    ]);
  });
});

describe('an unreachable table', () => {
  const fixture = brokerPerTest({
    config: viewerConfig({ seatsPerPrincipal: 2 }),
    state: { endpoint: unreachable, tableName: 'kvs-session-broker-state' },
  });

  it.each([
    ['a session', (f: ReturnType<typeof fixture>, t: string) => f.post('cam-1', t)],
    ['discovery', (f: ReturnType<typeof fixture>, t: string) => f.get('/v1/streams', t)],
  ])(
    'fails %s closed: 503 STATE_UNAVAILABLE, never an answer that skipped the revocation check',
    async (_, call) => {
      const f = fixture();
      const res = await call(f, await f.mint([{ stream: 'cam-1' }]));
      expect([res.status, res.json.error]).toEqual([503, STATE_UNAVAILABLE]);
    },
  );
});
