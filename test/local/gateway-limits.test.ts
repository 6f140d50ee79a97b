// Local mode's request limits as API Gateway has them (REST API quotas, API Gateway developer guide "Quotas for
// configuring and running a REST API in API Gateway": 10240 bytes for the request line and header values, 10 MB of
// payload), answered as the contract's JSON errors and never with a connection reset; and one logger per handler.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import type { LocalBroker } from '../../local/app';
import { captureOutput, devIssuerConfig, startTestBroker, type Captured } from '../support/local-broker';

let broker: LocalBroker;
let captured: Captured;

beforeAll(async () => {
  captured = captureOutput();
  broker = await startTestBroker((baseUrl) => ({
    issuers: [devIssuerConfig(baseUrl)],
    api: { tokenRateLimit: false, ipRateLimit: false },
    local: { streams: [{ name: 'cam-1' }] },
  }));
});

afterAll(async () => {
  captured.restore();
  await broker.close();
});

const tooLarge = {
  error: { code: 'INVALID_REQUEST', message: 'The request is too large' },
  requestId: expect.any(String),
};

/** A raw HTTP/1.1 exchange: the whole answer, or the socket error (a reset) if there was one. */
function raw(request: string | Buffer): Promise<{ text: string; error?: string }> {
  const { port } = new URL(broker.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ text: Buffer.concat(chunks).toString(), error: e.code }),
    );
    socket.on('end', () => resolve({ text: Buffer.concat(chunks).toString() }));
    socket.write(request);
  });
}

/** The body of a raw answer, undoing chunked transfer encoding where the head says so. */
function dechunk(head: string, body: string): string {
  if (!/transfer-encoding: chunked/i.test(head)) return body;
  let out = '';
  let rest = body;
  for (;;) {
    const [size, ...after] = rest.split('\r\n');
    const n = parseInt(size!, 16);
    if (!n) return out;
    const data = after.join('\r\n');
    out += data.slice(0, n);
    rest = data.slice(n + 2);
  }
}

const GET = (headerBytes: number) =>
  `GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ${'a'.repeat(headerBytes)}\r\nConnection: close\r\n\r\n`;

describe('header size', () => {
  it('passes a request whose request line and header values stay within 10240 bytes', async () => {
    const res = await fetch(`${broker.url}/openapi.json`, { headers: { 'X-Pad': 'a'.repeat(9000) } });
    expect(res.status).toBe(200);
  });

  it('answers 413 INVALID_REQUEST JSON past 10240 bytes', async () => {
    const res = await fetch(`${broker.url}/openapi.json`, { headers: { 'X-Pad': 'a'.repeat(10300) } });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual(tooLarge);
  });

  it.each([20 * 1024, 100 * 1024])(
    "answers %i bytes of headers (over Node's default 16 KiB; the second over the server's own cap) in JSON, no reset",
    async (size) => {
      const answer = await raw(GET(size));
      expect(answer.error).toBeUndefined();
      const [head, ...rest] = answer.text.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 413 /);
      expect(JSON.parse(dechunk(head!, rest.join('\r\n\r\n')))).toEqual(tooLarge);
    },
  );
});

describe('payload size', () => {
  it('reads a body of 2 MB (over the old 1 MiB cap) and goes on to the authorizer', async () => {
    const res = await fetch(`${broker.url}/v1/streams/cam-1/sessions`, {
      method: 'POST',
      headers: { Authorization: 'Bearer x', 'Content-Type': 'application/json' },
      body: Buffer.alloc(2 * 1024 * 1024, 0x20),
    });
    expect(res.status).toBe(401);
  });

  it('answers a body over 10 MB with 413 INVALID_REQUEST JSON, having read it, with no reset', async () => {
    const res = await fetch(`${broker.url}/v1/streams/cam-1/sessions`, {
      method: 'POST',
      headers: { Authorization: 'Bearer x', 'Content-Type': 'application/json' },
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x20),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual(tooLarge);
  });
});

describe('handler logs', () => {
  it("the authorizer's lines carry neither the broker's function name nor its request id", async () => {
    const token = await broker.devIssuer!.mint({ sub: 'viewer', grants: [{ stream: 'cam-1' }] });
    const ok = await fetch(`${broker.url}/v1/streams/cam-1/sessions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(ok.status).toBe(200);
    const refused = await fetch(`${broker.url}/v1/streams`, {
      headers: { Authorization: 'Bearer not.a.jwt' },
    });
    expect(refused.status).toBe(401);
    const lines = captured.lines
      .flatMap((chunk) => chunk.split('\n'))
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const brokerLine = lines.find((l) => l.function_name === 'broker');
    const authorizerLine = lines.find((l) => l.message === 'token refused');
    expect(brokerLine).toBeDefined();
    expect(authorizerLine).toBeDefined();
    expect(authorizerLine!.function_name).not.toBe('broker');
    expect(authorizerLine!.function_request_id).not.toBe(brokerLine!.function_request_id);
  });
});
