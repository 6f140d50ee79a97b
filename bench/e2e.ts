// End to end over HTTP: the local server (local/main.ts: gateway stand-in, authorizer, broker, KVS emulator, all
// in one process) against the floor server (bench/children/floor-server.ts), in turn, at the same concurrency
// over many streams. Then one profiled run of the local server says where its time goes.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { DEV_AUDIENCE, DEV_ISSUER } from '../local/app';
import { createDevIssuer, loadOrCreateDevKey } from '../local/dev-issuer';
import { streamNames } from './fixtures';
import { interleave, round } from './stats';

/** The local server's authorizer cache, and the floor's: both reuse a token's answer this long. */
const AUTHORIZER_CACHE_TTL_SECONDS = 300;

export interface E2eOptions {
  dir: string;
  port: number;
  streams: number;
  connections: number;
  seconds: number;
  rounds: number;
}

function start(args: string[], env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start in 60 s`)), 60_000);
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('listening on')) {
        clearTimeout(timer);
        // Drain the log lines (as CloudWatch would take them) so that writing them costs what it costs.
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function load(port: number, tokens: string[], streams: string[], connections: number, seconds: number) {
  let i = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          i += 1;
          return {
            ...req,
            path: `/v1/streams/${streams[i % streams.length]}/sessions`,
            headers: {
              authorization: `Bearer ${tokens[i % tokens.length]}`,
              'content-type': 'application/json',
            },
            body: '{}',
          };
        },
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`e2e: ${result.non2xx} non-2xx and ${result.errors} errors of ${result.requests.total}`);
  }
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string; lineNumber: number };
  children?: number[];
}

/** Where a frame's code lives, or undefined for node's own and V8's (no JS of a package or of ours). */
function groupOf(url: string): string | undefined {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  // The TypeScript loader (tsx, esbuild) runs for whoever loads or throws: charge its callers, as node's own.
  if (pkg === 'tsx' || pkg === 'esbuild') return undefined;
  if (pkg) {
    if (pkg.startsWith('@smithy/') || pkg.startsWith('@aws-sdk/')) return 'AWS SDK (@aws-sdk, @smithy)';
    if (pkg.startsWith('@aws-lambda-powertools/')) return 'Powertools (logger, metrics)';
    return pkg;
  }
  if (/\/local\/emulator\//.test(url)) return 'local/emulator (KVS emulator)';
  if (/\/local\/gateway\//.test(url)) return 'local/gateway (API Gateway stand-in)';
  if (/\/local\//.test(url)) return 'local/ (other)';
  if (/\/lambda\//.test(url)) return 'lambda/ (our handlers and core)';
  if (url.startsWith('node:') || url === '') return undefined;
  return 'other';
}

/**
 * Busy time of a V8 CPU profile (idle left out), each sample charged to its NEAREST JS CALLER: node's own code
 * (http, crypto, streams, JSON) and native frames count for the package or module of ours that called them, so
 * "node internals" never hides who made the work. Samples with no JS caller at all (GC, the event loop's own
 * work) are shown as such. Shares of the busy time, by group and by calling function.
 */
export function summarizeProfile(file: string): {
  byGroup: Record<string, number>;
  topFunctions: Record<string, number>;
} {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const counts: Record<string, number> = {};
  const functions: Record<string, number> = {};
  let busy = 0;
  for (const id of profile.samples) {
    const self = byId.get(id)!.callFrame;
    if (self.functionName === '(idle)') continue;
    busy += 1;
    let at: number | undefined = id;
    while (at !== undefined && groupOf(byId.get(at)!.callFrame.url) === undefined) at = parent.get(at);
    const frame = at === undefined ? undefined : byId.get(at)!.callFrame;
    const group = frame
      ? groupOf(frame.url)!
      : self.functionName === '(garbage collector)'
        ? 'GC'
        : 'no JS caller (event loop, V8, start-up)';
    counts[group] = (counts[group] ?? 0) + 1;
    const name = frame
      ? `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber}`
      : group;
    functions[name] = (functions[name] ?? 0) + 1;
  }
  const shares = (table: Record<string, number>, top: number) =>
    Object.fromEntries(
      Object.entries(table)
        .sort(([, a], [, b]) => b - a)
        .slice(0, top)
        .map(([k, v]) => [k, round(v / busy, 3)]),
    );
  return { byGroup: shares(counts, 20), topFunctions: shares(functions, 12) };
}

// eslint-disable-next-line max-lines-per-function -- one measured run (server, load, profile) whose steps share the child process and its timings; bench/ is being reworked on the authorizer branch, which splits it there
export async function endToEnd(options: E2eOptions) {
  const { dir, port, connections, seconds } = options;
  const keyPath = `${dir}/dev-key.json`;
  const issuer = await createDevIssuer({
    issuer: DEV_ISSUER,
    audience: DEV_AUDIENCE,
    privateJwk: await loadOrCreateDevKey(keyPath),
  });
  const streams = streamNames(options.streams);
  const tokens = await Promise.all(
    Array.from({ length: connections }, (_, i) =>
      issuer.mint({ sub: `bench-${i}`, grants: [{ stream: '*' }], expiresInSeconds: 7200 }),
    ),
  );
  const configPath = `${dir}/e2e-config.json`;
  writeFileSync(
    configPath,
    JSON.stringify({
      issuers: [
        {
          issuer: DEV_ISSUER,
          jwksUri: `http://127.0.0.1:${port}/.well-known/jwks.json`,
          audience: DEV_AUDIENCE,
          algorithms: ['ES256'],
        },
      ],
      api: {
        authorizerCacheTtlSeconds: AUTHORIZER_CACHE_TTL_SECONDS,
        throttlingRateLimit: 1e6,
        throttlingBurstLimit: 1e6,
        tokenRateLimit: false,
        ipRateLimit: false,
      },
      // Quotas off: this measures our code, not the emulated 25 TPS per stream.
      local: {
        streams: streams.map((name) => ({ name, dataRetentionInHours: 24 })),
        enforceQuotas: false,
      },
    }),
  );
  const oursEnv = { PORT: String(port), KVS_BROKER_CONFIG: configPath, KVS_BROKER_DEV_KEY: keyPath };
  const floorEnv = {
    PORT: String(port),
    FLOOR_JWKS: JSON.stringify(issuer.jwks),
    FLOOR_ISSUER: DEV_ISSUER,
    FLOOR_AUDIENCE: DEV_AUDIENCE,
    FLOOR_STREAMS: String(options.streams),
    // The same authorizer cache as the local server's (config below): a floor without it verifies every request.
    FLOOR_CACHE_TTL_SECONDS: String(AUTHORIZER_CACHE_TTL_SECONDS),
  };
  const oursArgs = ['--import', 'tsx', 'local/main.ts'];
  const floorArgs = ['--import', 'tsx', 'bench/children/floor-server.ts'];
  const run = async (args: string[], env: Record<string, string>, extra: string[] = []) => {
    const child = await start([...extra, ...args], env);
    try {
      await load(port, tokens, streams, connections, 2); // warm-up: JIT, JWKS, data endpoints, authorizer cache
      return await load(port, tokens, streams, connections, seconds);
    } finally {
      await stop(child);
    }
  };
  const p50s: { ours: number[]; floor: number[] } = { ours: [], floor: [] };
  const paired = await interleave(
    options.rounds,
    async () => {
      const r = await run(oursArgs, oursEnv);
      p50s.ours.push(r.p50);
      return r.rps;
    },
    async () => {
      const r = await run(floorArgs, floorEnv);
      p50s.floor.push(r.p50);
      return r.rps;
    },
  );
  const profileDir = `${dir}/profile`;
  await run(oursArgs, oursEnv, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
  const profile = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  return {
    connections,
    streams: options.streams,
    secondsPerRun: seconds,
    rounds: options.rounds,
    oursRps: round(paired.medianA, 0),
    floorRps: round(paired.medianB, 0),
    ratio: round(paired.medianRatio),
    oursP50Ms: p50s.ours,
    floorP50Ms: p50s.floor,
    whereTheTimeGoes: profile ? summarizeProfile(`${profileDir}/${profile}`) : undefined,
  };
}
