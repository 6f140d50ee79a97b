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

/** Self time of a V8 CPU profile by where the code lives, as shares of the busy (non-idle) time. */
export function summarizeProfile(file: string): {
  byGroup: Record<string, number>;
  topFunctions: Record<string, number>;
} {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { url: string; functionName: string; lineNumber: number } }[];
    samples: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const counts: Record<string, number> = {};
  const functions: Record<string, number> = {};
  let busy = 0;
  for (const id of profile.samples) {
    const frame = byId.get(id)!;
    if (frame.functionName === '(idle)') continue;
    busy += 1;
    const url = frame.url;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    let group: string;
    if (pkg) {
      group = pkg.startsWith('@smithy/') || pkg.startsWith('@aws-sdk/') ? 'AWS SDK (@aws-sdk, @smithy)' : pkg;
      if (pkg.startsWith('@aws-lambda-powertools/')) group = 'Powertools (logger, metrics)';
    } else if (/\/local\/emulator\//.test(url)) group = 'local/emulator (KVS emulator)';
    else if (/\/local\/gateway\//.test(url)) group = 'local/gateway (API Gateway stand-in)';
    else if (/\/local\//.test(url)) group = 'local/ (other)';
    else if (/\/lambda\//.test(url)) group = 'lambda/ (our handlers and core)';
    else if (url.startsWith('node:') || url === '') {
      group =
        frame.functionName === '(garbage collector)' ? 'GC' : 'node internals, native (http, crypto, JSON)';
    } else group = 'other';
    counts[group] = (counts[group] ?? 0) + 1;
    const where = url ? `${url.split('/').slice(-2).join('/')}:${frame.lineNumber}` : 'native';
    const name = `${frame.functionName || '(anonymous)'} ${where}`;
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
        authorizerCacheTtlSeconds: 300,
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
