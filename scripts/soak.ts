// `npm run soak`: the local stack under a mixed load for a bounded time, on loopback only. Not a test: it reports
// answers per status, 5xx and connection resets (both must be zero) and memory before and after (with a GC), and
// writes them to .local/soak-results.json (git-ignored). SOAK_SECONDS (default 60, at most 600) and
// SOAK_CONCURRENCY (default 32, at most 256) tune it; at most SOAK_MAX_REQUESTS (default 2,000,000) are sent.
import { mkdir, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { startLocalBroker } from '../local/app';
import { defaultLocalConfig } from '../local/default-config';
import { generateDevKey } from '../local/dev-issuer';

const bounded = (name: string, fallback: number, max: number) =>
  Math.min(max, Math.max(1, Number(process.env[name] ?? fallback) || fallback));
const SECONDS = bounded('SOAK_SECONDS', 60, 600);
const CONCURRENCY = bounded('SOAK_CONCURRENCY', 32, 256);
const MAX_REQUESTS = bounded('SOAK_MAX_REQUESTS', 2_000_000, 10_000_000);
const RESULTS = new URL('../.local/soak-results.json', import.meta.url);

interface Shot {
  kind: 'valid' | 'refused' | 'hostile' | 'invalid';
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** A fresh connection from this loopback address (127.0.0.0/8), as a client behind another IP. */
  from?: string;
}

function memory() {
  globalThis.gc?.();
  const m = process.memoryUsage();
  const mb = (bytes: number) => +(bytes / 2 ** 20).toFixed(1);
  return {
    rssMB: mb(m.rss),
    heapUsedMB: mb(m.heapUsed),
    externalMB: mb(m.external),
    arrayBuffersMB: mb(m.arrayBuffers),
  };
}

/** The mix: 4 valid, 2 refused, 3 hostile and 2 invalid in 11, chosen by a counter (no randomness to explain). */
function shots(tokens: { good: string; expired: string; narrow: string }): ((n: number) => Shot)[] {
  const auth = (t: string) => ({ Authorization: `Bearer ${t}`, 'Content-Type': 'application/json' });
  const session = (stream: string) => `/v1/streams/${stream}/sessions`;
  const ip = (n: number) => `127.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255 || 1}`;
  return [
    () => ({ kind: 'valid', method: 'POST', path: session('cam-1'), headers: auth(tokens.good) }),
    () => ({
      kind: 'valid',
      method: 'POST',
      path: session('site7-door'),
      headers: auth(tokens.good),
      body: JSON.stringify({ protocol: 'HLS', containerFormat: 'MPEG_TS', expiresInSeconds: 900 }),
    }),
    () => ({ kind: 'valid', method: 'GET', path: '/v1/streams?limit=3', headers: auth(tokens.good) }),
    () => ({ kind: 'valid', method: 'GET', path: '/openapi.json', headers: {} }),
    () => ({ kind: 'refused', method: 'POST', path: session('site7-yard'), headers: auth(tokens.narrow) }),
    () => ({ kind: 'refused', method: 'POST', path: session('cam-1'), headers: auth(tokens.expired) }),
    (n) => ({
      kind: 'hostile',
      method: 'POST',
      path: session('cam-1'),
      headers: { 'X-Pad': 'a'.repeat(12_000) },
      from: ip(n),
    }),
    (n) => ({
      kind: 'hostile',
      method: 'POST',
      path: '/v1/streams/%2e%2e%2F%E2%80%AE/sessions',
      headers: { Authorization: `Bearer ${'A'.repeat(4000)}.x.y`, 'User-Agent': '\x85evil\x9b31m' },
      from: ip(n + 7),
    }),
    () => ({
      kind: 'hostile',
      method: 'POST',
      path: session('cam-1'),
      headers: auth(tokens.good),
      body: `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
    }),
    () => ({
      kind: 'invalid',
      method: 'POST',
      path: session('cam-1'),
      headers: auth(tokens.good),
      body: '{"protocol":"RTSP"',
    }),
    () => ({ kind: 'invalid', method: 'DELETE', path: '/v2/nothing', headers: {} }),
  ];
}

type Outcome = { status: number } | { error: string };

function send(agent: Agent, base: URL, shot: Shot): Promise<Outcome> {
  return new Promise((resolve) => {
    const headers = { ...shot.headers, 'User-Agent': shot.headers['User-Agent'] ?? 'soak' };
    const req = request(
      base,
      {
        method: shot.method,
        path: shot.path,
        headers,
        ...(shot.from ? { agent: false, localAddress: shot.from } : { agent }),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
      },
    );
    req.setHeader('Connection', shot.from ? 'close' : 'keep-alive');
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end(shot.body);
  });
}

const HELP = `Usage: npm run soak [-- -h | --help]

The local stack under a mixed load (valid, refused, hostile and invalid requests) for a bounded time, on loopback
only; fails on any 5xx or connection reset and writes .local/soak-results.json. Tuned by the environment:

  SOAK_SECONDS        how long (default 60, at most 600)
  SOAK_CONCURRENCY    requests in flight (default 32, at most 256)
  SOAK_MAX_REQUESTS   at most this many requests (default 2,000,000)
`;

/** The local stack as `npm start` runs it, with its limits high and the emulated quotas off. */
async function soakBroker() {
  const devKey = await generateDevKey();
  return startLocalBroker({
    devKey,
    config: (baseUrl: string) => ({
      ...(defaultLocalConfig(baseUrl) as Record<string, unknown>),
      // The stage, per-token and per-IP limits stay on but high, so that their code and memory are exercised, not their refusals;
      // emulated KVS quotas off, so that valid requests go all the way to a session URL.
      api: {
        throttlingRateLimit: 1_000_000,
        throttlingBurstLimit: 1_000_000,
        tokenRateLimit: { limit: 1_000_000, windowSeconds: 60 },
        ipRateLimit: { limit: 1_000_000, windowSeconds: 60 },
      },
      local: {
        streams: [{ name: 'cam-1' }, { name: 'site7-door' }, { name: 'site7-yard' }],
        enforceQuotas: false,
      },
    }),
  });
}

/** A valid token, a narrow one and an expired one, from the dev issuer. */
async function soakTokens(issuer: NonNullable<Awaited<ReturnType<typeof startLocalBroker>>['devIssuer']>) {
  return {
    good: await issuer.mint({
      sub: 'soak',
      grants: [{ stream: '*', protocols: ['DASH', 'HLS'] }],
      expiresInSeconds: 3600,
    }),
    narrow: await issuer.mint({ sub: 'soak-narrow', grants: [{ stream: 'cam-1' }] }),
    expired: await issuer.mint({
      sub: 'soak-old',
      grants: [{ stream: 'cam-1' }],
      expiresInSeconds: 60,
      issuedAt: new Date(Date.now() - 3_600_000),
    }),
  };
}

/** What the soak reports: answers per status, 5xx and resets (both must be zero), and memory before and after. */
function soakResult(run: {
  statuses: Record<string, Record<number, number>>;
  errors: Record<string, number>;
  sent: number;
  elapsedSeconds: number;
  before: ReturnType<typeof memory>;
  after: ReturnType<typeof memory>;
}) {
  const { statuses, errors, sent, elapsedSeconds, before, after } = run;
  const all = Object.values(statuses).flatMap((s) => Object.entries(s));
  const serverErrors = all.filter(([s]) => Number(s) >= 500).reduce((t, [, c]) => t + c, 0);
  const resets = (errors.ECONNRESET ?? 0) + (errors.EPIPE ?? 0);
  return {
    at: new Date().toISOString(),
    node: process.version,
    seconds: SECONDS,
    concurrency: CONCURRENCY,
    requests: sent,
    requestsPerSecond: Math.round(sent / elapsedSeconds),
    statuses,
    serverErrors,
    connectionResets: resets,
    otherErrors: Object.fromEntries(
      Object.entries(errors).filter(([e]) => e !== 'ECONNRESET' && e !== 'EPIPE'),
    ),
    memory: {
      gc: typeof globalThis.gc === 'function',
      before,
      after,
      rssGrowthMB: +(after.rssMB - before.rssMB).toFixed(1),
      heapGrowthMB: +(after.heapUsedMB - before.heapUsedMB).toFixed(1),
    },
  };
}

async function main(): Promise<void> {
  const broker = await soakBroker();
  // The handlers' log lines go to stdout, as in `npm start`; the soak keeps its own output readable.
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  const tokens = await soakTokens(broker.devIssuer!);
  const base = new URL(broker.url);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const mix = shots(tokens);
  const statuses: Record<string, Record<number, number>> = {};
  const errors: Record<string, number> = {};
  let sent = 0;

  for (let i = 0; i < 200; i++) await send(agent, base, mix[i % mix.length]!(i)); // warm-up: JIT, caches, pools
  const before = memory();
  const started = Date.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline && sent < MAX_REQUESTS) {
        const n = sent++;
        const shot = mix[n % mix.length]!(n);
        const outcome = await send(agent, base, shot);
        if ('status' in outcome) {
          const byKind = (statuses[shot.kind] ??= {});
          byKind[outcome.status] = (byKind[outcome.status] ?? 0) + 1;
        } else errors[outcome.error] = (errors[outcome.error] ?? 0) + 1;
      }
    }),
  );
  const elapsedSeconds = (Date.now() - started) / 1000;
  agent.destroy();
  await new Promise((r) => setTimeout(r, 500));
  const after = memory();
  await broker.close();
  process.stdout.write = write;

  const result = soakResult({ statuses, errors, sent, elapsedSeconds, before, after });
  const { serverErrors, connectionResets: resets } = result;
  await mkdir(new URL('.', RESULTS), { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
  console.log(`written to ${RESULTS.pathname}`);
  if (serverErrors > 0 || resets > 0) process.exitCode = 1;
}

const wantsHelp = process.argv.slice(2).some((a) => a === '--help' || a === '-h');
(wantsHelp ? async () => void process.stdout.write(HELP) : main)().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
