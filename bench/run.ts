// `npm run bench`: measures the local broker (real handlers, local gateway, KVS emulator over HTTP) under load with
// autocannon, and the pure decision function alone. Prints a table and writes bench/results.json.
// The broker runs in a child process so that the load generator does not share its event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { decide } from '../lambda/core/decision';
import { parseSessionRequest } from '../lambda/core/request';
import { DEFAULT_LOCAL_STREAMS } from '../local/default-config';
import { DEV_AUDIENCE, DEV_ISSUER } from '../local/dev-issuer';
import { createDevIssuer, loadOrCreateDevKey } from '../local/dev-issuer';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const PORT = Number(process.env.BENCH_PORT ?? 3901);

interface Scenario {
  name: string;
  cacheTtlSeconds: number;
  body: unknown;
}

const SCENARIOS: Scenario[] = [
  { name: 'DASH LIVE, authorizer cache on (300 s)', cacheTtlSeconds: 300, body: {} },
  { name: 'DASH LIVE, authorizer cache off', cacheTtlSeconds: 0, body: {} },
  { name: 'HLS fMP4 LIVE, authorizer cache on', cacheTtlSeconds: 300, body: { protocol: 'HLS' } },
  // Denied by the broker's grant re-check: the whole path but the KVS calls (answers 403, by design).
  {
    name: 'broker 403 (mode not granted), no KVS call',
    cacheTtlSeconds: 300,
    body: { playbackMode: 'LIVE_REPLAY', startTimestamp: '2026-01-01T00:00:00Z' },
  },
];

async function startServer(dir: string, scenario: Scenario): Promise<ChildProcess> {
  const config = {
    issuers: [
      {
        issuer: DEV_ISSUER,
        jwksUri: `http://127.0.0.1:${PORT}/.well-known/jwks.json`,
        audience: DEV_AUDIENCE,
        algorithms: ['ES256'],
      },
    ],
    api: {
      authorizerCacheTtlSeconds: scenario.cacheTtlSeconds,
      throttlingRateLimit: 100000,
      throttlingBurstLimit: 100000,
    },
    // KVS quotas off: this measures our code, not the emulated 25 TPS per stream limit.
    local: { streams: DEFAULT_LOCAL_STREAMS, enforceQuotas: false },
  };
  const configPath = join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify(config));
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    env: {
      ...process.env,
      PORT: String(PORT),
      KVS_BROKER_CONFIG: configPath,
      KVS_BROKER_DEV_KEY: join(dir, 'key.json'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('local broker did not start in 30 s')), 30_000);
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('listening on')) {
        clearTimeout(timer);
        // Drain the handlers' log lines (as CloudWatch would) so they cost what writing them costs.
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`local broker exited with ${code}`)));
  });
  return child;
}

async function load(scenario: Scenario, token: string) {
  const result = await autocannon({
    url: `http://127.0.0.1:${PORT}/v1/streams/cam-1/sessions`,
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(scenario.body),
    connections: CONNECTIONS,
    duration: DURATION_S,
  });
  return {
    scenario: scenario.name,
    requestsPerSecond: Math.round(result.requests.average),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  };
}

function decisionMicrobench() {
  const grants = Array.from({ length: 20 }, (_, i) => ({
    stream: i === 19 ? 'site7-*' : `cam-${i}`,
    modes: ['LIVE' as const, 'ON_DEMAND' as const],
    protocols: ['DASH' as const, 'HLS' as const],
  }));
  const now = Date.now();
  const iterations = 200_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) {
    const request = parseSessionRequest('site7-door', { protocol: 'HLS' });
    decide(grants, request, now, { defaultExpiresSeconds: 300, maxExpiresSeconds: 3600 });
  }
  const ns = Number(process.hrtime.bigint() - start);
  return {
    name: 'parseSessionRequest + decide (20 grants)',
    opsPerSecond: Math.round((iterations / ns) * 1e9),
    nsPerOp: Math.round(ns / iterations),
  };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kvs-broker-bench-'));
  const issuer = await createDevIssuer({
    issuer: DEV_ISSUER,
    audience: DEV_AUDIENCE,
    privateJwk: await loadOrCreateDevKey(join(dir, 'key.json')),
  });
  const token = await issuer.mint({ sub: 'bench', grants: [{ stream: '*' }], expiresInSeconds: 3600 });
  const results = [];
  for (const scenario of SCENARIOS) {
    const child = await startServer(dir, scenario);
    try {
      await load(scenario, token); // warm-up: JIT, JWKS fetch, data-endpoint cache
      results.push(await load(scenario, token));
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
  const micro = decisionMicrobench();
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}`,
    durationSeconds: DURATION_S,
    connections: CONNECTIONS,
    http: results,
    micro,
  };
  console.log(
    `\nkvs-session-broker bench (${report.node}, ${report.cpus}, ${CONNECTIONS} connections, ${DURATION_S} s each)\n`,
  );
  console.log('| scenario | req/s | p50 ms | p90 ms | p99 ms | non-2xx |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(
      `| ${r.scenario} | ${r.requestsPerSecond} | ${r.latencyMs.p50} | ${r.latencyMs.p90} | ${r.latencyMs.p99} | ${r.non2xx} |`,
    );
  }
  console.log(`\n${micro.name}: ${micro.opsPerSecond} ops/s (${micro.nsPerOp} ns/op)`);
  await writeFile('bench/results.json', `${JSON.stringify(report, null, 2)}\n`);
  console.log('\nwritten to bench/results.json');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
