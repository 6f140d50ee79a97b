// Test support: a local broker (real handlers, local gateway, emulator over HTTP), token minting and log capture.
import { jest } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLocalBroker, type LocalBroker } from '../../local/app';
import { DEV_AUDIENCE, DEV_ISSUER, JWKS_PATH, generateDevKey } from '../../local/dev-issuer';

export interface Captured {
  lines: string[];
  restore(): void;
}

/** Captures everything written to stdout and stderr (where the handlers' structured logs go). */
export function captureOutput(): Captured {
  const lines: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    }) as never),
  );
  return { lines, restore: () => spies.forEach((s) => s.mockRestore()) };
}

export function auditLines(captured: Captured): Record<string, unknown>[] {
  return captured.lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.audit === 'kvs-session');
}

export function devIssuerConfig(baseUrl: string) {
  return {
    issuer: DEV_ISSUER,
    jwksUri: `${baseUrl}${JWKS_PATH}`,
    audience: DEV_AUDIENCE,
  };
}

/** @deprecated Shares one broker across tests; use brokerPerTest (./broker-fixture) for a broker per test. */
export async function startTestBroker(config: (baseUrl: string) => unknown): Promise<LocalBroker> {
  return startLocalBroker({ devKey: await generateDevKey(), config });
}

/** A JWKS served on its own loopback server, as a partner's identity provider would. */
export async function serveJwks(
  jwks: unknown,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(jwks));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    server,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** @deprecated Use the `post` of brokerPerTest (./broker-fixture), which returns the whole answer. */
export async function post(
  broker: LocalBroker,
  stream: string,
  token: string | undefined,
  body?: unknown,
): Promise<{
  status: number;
  headers: Headers;
  json: Record<string, unknown> & { error?: { code: string; message: string; reason?: string } };
}> {
  const res = await fetch(`${broker.url}/v1/streams/${stream}/sessions`, {
    method: 'POST',
    headers: {
      ...(token !== undefined ? { Authorization: `Bearer ${token}` } : {}),
      'Content-Type': 'application/json',
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as never };
}
