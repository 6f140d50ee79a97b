// `npm run bench:viewer-control`: one session with revocation and seats on vs off, side by side, through the local
// stack (gateway stand-in, both handlers, KVS emulator, embedded DynamoDB): median and p95 latency per session, and
// KVS and DynamoDB calls per session. Separate from `npm run bench` (bench/README.md, "Viewer control").
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLocalBroker, type LocalBroker } from '../local/app';
import { DEV_AUDIENCE, DEV_ISSUER, JWKS_PATH, generateDevKey } from '../local/dev-issuer';
import { startStateServer } from '../local/state-server';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 300);
const VIEWERS = 20;

/** A proxy in front of the embedded DynamoDB that counts the calls it relays. */
async function countingProxy(target: string) {
  let calls = 0;
  const url = new URL(target);
  const server = createServer((req, res) => {
    calls += 1;
    const upstream = httpRequest(
      { host: url.hostname, port: url.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => calls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function config(on: boolean) {
  return (baseUrl: string) => ({
    issuers: [
      {
        issuer: DEV_ISSUER,
        jwksUri: `${baseUrl}${JWKS_PATH}`,
        audience: DEV_AUDIENCE,
        ...(on ? { adminScope: 'kvs:admin', maxTokenAgeSeconds: 3600 } : {}),
      },
    ],
    api: {
      throttlingRateLimit: 100000,
      throttlingBurstLimit: 100000,
      ipRateLimit: false,
      tokenRateLimit: false,
    },
    ...(on ? { viewers: { seatsPerPrincipal: VIEWERS } } : {}),
    local: { streams: [{ name: 'cam-1' }], enforceQuotas: false },
  });
}

async function run(broker: LocalBroker, dynamoCalls: () => number) {
  const token = await broker.devIssuer!.mint({ sub: 'bench-user', grants: [{ stream: 'cam-1' }] });
  const kvsBefore = broker.emulator.stats().requests.GetDASHStreamingSessionURL ?? 0;
  const dynamoBefore = dynamoCalls();
  const times: number[] = [];
  for (let i = 0; i < SESSIONS; i += 1) {
    const start = performance.now();
    const res = await fetch(`${broker.url}/v1/streams/cam-1/sessions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ viewerId: `viewer-${i % VIEWERS}` }),
    });
    await res.text();
    if (res.status !== 200) throw new Error(`session ${i}: HTTP ${res.status}`);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const stats = broker.emulator.stats().requests;
  return {
    medianMs: times[Math.floor(times.length / 2)]!,
    p95Ms: times[Math.floor(times.length * 0.95)]!,
    kvsPerSession: ((stats.GetDASHStreamingSessionURL ?? 0) - kvsBefore) / SESSIONS,
    dynamoPerSession: (dynamoCalls() - dynamoBefore) / SESSIONS,
  };
}

async function main() {
  const devKey = await generateDevKey();
  const table = await startStateServer();
  const proxy = await countingProxy(table.endpoint);
  const off = await startLocalBroker({ devKey, config: config(false) });
  const on = await startLocalBroker({
    devKey,
    config: config(true),
    state: { endpoint: proxy.endpoint, tableName: table.tableName },
  });
  try {
    // Warm both (JWKS, data endpoint, connections), then measure each in turn.
    await run(off, () => 0);
    await run(on, proxy.calls);
    const rows = { off: await run(off, () => 0), on: await run(on, proxy.calls) };
    console.log(`| viewer control | median ms | p95 ms | KVS calls / session | DynamoDB calls / session |`);
    console.log(`| --- | --- | --- | --- | --- |`);
    for (const [name, r] of Object.entries(rows))
      console.log(
        `| ${name} | ${r.medianMs.toFixed(2)} | ${r.p95Ms.toFixed(2)} | ${r.kvsPerSession.toFixed(2)} | ${r.dynamoPerSession.toFixed(2)} |`,
      );
  } finally {
    await Promise.all([off.close(), on.close(), proxy.close()]);
    await table.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
