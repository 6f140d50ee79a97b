// `npm run bench`: every figure beside its floor, measured in the same run, in turn, as medians, with its target.
// Prints the table and writes it to bench/results/latest.md, and every figure to bench/results/latest.json (both
// ignored by git). BENCH_QUICK=1 runs fewer rounds; `--only=cold,authorizer,handler,kvs,archive,e2e` runs those
// sections (bundles are always built and sized); `--print` prints the last results again. See bench/README.md.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { archiveBench } from './archive';
import { authorizerBench, child } from './authorizer';
import { buildBenchBundles, bytesByPackage, VARIANTS, whoImports, type BenchBundles } from './bundles';
import { compareColdRoundRobin, writeEvent, type ColdTarget } from './cold';
import { endToEnd } from './e2e';
import * as f from './fixtures';
import { BENCHED_LAMBDAS, EMPTY_FLOOR } from './lambdas';
import { callsPerWarmSession, coldInstancesOneStream, concurrentFirstRequests, gridVsSingles } from './kvs';
import { archiveRows, authorizerRows, bundleRows, coldRows, markdownTable, type Row } from './report';
import { median, round } from './stats';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const QUICK = process.env.BENCH_QUICK === '1';
const SECTIONS = ['cold', 'authorizer', 'handler', 'kvs', 'archive', 'e2e'] as const;
type Section = (typeof SECTIONS)[number];
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const runs = (s: Section) => !only || only.includes(s);
const ROUNDS = {
  cold: QUICK ? 3 : 21,
  rate: QUICK ? 9 : 60,
  tokensPerAlg: QUICK ? 100 : 300,
  parts: QUICK ? 3 : 7,
  handler: QUICK ? 3 : 9,
  archive: QUICK ? 3 : 9,
};
const E2E = { rounds: QUICK ? 1 : 3, seconds: QUICK ? 3 : 8, connections: 32, streams: 200 };

interface Setup {
  dir: string;
  bundles: BenchBundles;
  keys: f.Keys;
  lambdaEnv: Record<string, string>;
  emulators: {
    plain: Awaited<ReturnType<typeof f.startEmulator>>;
    quotas: Awaited<ReturnType<typeof f.startEmulator>>;
  };
  log: (s: string) => void;
}

/** Every benched Lambda, its floor and its variants once per round, in turn; each against its floor and the empty one. */
async function coldSection(s: Setup) {
  const { built } = s.bundles;
  const targets: ColdTarget[] = [];
  const pairs: [string, string][] = [];
  for (const l of BENCHED_LAMBDAS) {
    const eventFile = writeEvent(s.dir, l.bundle, await l.coldEvent({ keys: s.keys }));
    const target = (key: string): ColdTarget => ({
      label: built[key]!.name,
      file: built[key]!.file,
      eventFile,
      expect: l.expect,
    });
    const floor = built[`${l.bundle}Floor`]!.name;
    targets.push(target(l.bundle), target(`${l.bundle}Floor`));
    pairs.push([l.bundle, floor], [l.bundle, 'empty floor']);
    for (const v of VARIANTS.filter((x) => x.bundle === l.bundle && built[x.label])) {
      targets.push(target(v.label));
      pairs.push([v.label, floor]);
    }
  }
  targets.push({
    label: 'empty floor',
    file: built.emptyFloor!.file,
    eventFile: targets[0]!.eventFile,
    expect: 200,
  });
  s.log(`cold starts: ${targets.length} bundles in turn, ${ROUNDS.cold} rounds`);
  return compareColdRoundRobin(
    targets,
    pairs,
    ROUNDS.cold,
    s.lambdaEnv,
    (r) => r % 5 === 4 && s.log(`cold starts: round ${r + 1}`),
  );
}

async function handlerSection(s: Setup) {
  s.log('broker handler own time (in-process adapter)');
  const handler = await child<{ p50: Record<string, number[]>; p90: Record<string, number[]> }>(
    [
      '--import',
      'tsx',
      'bench/children/handler-time.ts',
      String(ROUNDS.handler),
      '2000',
      s.bundles.built['handler kit']!.file,
      s.bundles.built['handler kit, lean log']!.file,
    ],
    { ...s.lambdaEnv, POWERTOOLS_DEV: '' },
  );
  return Object.fromEntries(
    Object.keys(handler.p50).map((k) => [
      k,
      { p50Us: round(median(handler.p50[k]!), 1), p90Us: round(median(handler.p90[k]!), 1) },
    ]),
  );
}

async function kvsSection(s: Setup) {
  s.log('KVS calls: warm sessions, concurrent first requests, cold instances with quotas');
  return {
    warm: await callsPerWarmSession(s.emulators.plain, f.streamNames(20)),
    concurrent: await concurrentFirstRequests(s.emulators.plain, 'cam-150', 50),
    coldInstances: await coldInstancesOneStream(s.emulators.quotas, 'cam-000', 20),
    grid: await gridVsSingles(16, QUICK ? 3 : 9),
  };
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the report is read back as it was built */
/** The whole table, in the order of the README's. */
// eslint-disable-next-line max-lines-per-function -- one row per line of the README's table, in its order; bench/ belongs to the authorizer branch, which splits it there (the size rule reached bench/ with the limits branch)
function rows(r: any): Row[] {
  const out: Row[] = [];
  out.push(...bundleRows(BENCHED_LAMBDAS, r.bundles.bytes, VARIANTS));
  if (r.cold) out.push(...coldRows(BENCHED_LAMBDAS, r.cold));
  if (r.authorizer) out.push(...authorizerRows(r.authorizer.rate, r.authorizer.partsUs));
  for (const [k, h] of Object.entries(
    (r.handlerTime ?? {}) as Record<string, { p50Us: number; p90Us: number }>,
  )) {
    const deployed = k === 'deployed';
    out.push({
      figure: `broker handler own time p50, ${k} (p90 ${h.p90Us} µs)`,
      ours: `${h.p50Us} µs`,
      target: deployed ? '<= 60 µs' : 'reported',
      ...(deployed ? { met: h.p50Us <= 60 } : {}),
    });
  }
  if (r.kvs) {
    const k = r.kvs;
    out.push(
      {
        figure: 'KVS calls per warm session',
        ours: k.warm.callsPerSession,
        floor: 1,
        target: '1.0 (naive 2.0)',
        met: k.warm.callsPerSession <= 1,
      },
      {
        figure: `GetDataEndpoint calls, ${k.concurrent.concurrency} concurrent first requests, one instance`,
        ours: k.concurrent.getDataEndpointCalls,
        floor: 1,
        target: '1',
        met: k.concurrent.getDataEndpointCalls === 1,
      },
      {
        figure: `${k.coldInstances.instances} cold instances, one stream, KVS quotas on: served (429s; slowest)`,
        ours: `${k.coldInstances.served} (${k.coldInstances.throttled429}; ${(k.coldInstances.slowestMs / 1000).toFixed(1)} s)`,
        floor: k.coldInstances.instances,
        target: '20 of 20',
        met: k.coldInstances.served === k.coldInstances.instances,
      },
      {
        figure: `grid of ${k.grid.sessions} streams (POST /v1/sessions), fresh instances, quotas on: ms (KVS calls; served); floor: ${k.grid.sessions} single requests at once`,
        ours: `${k.grid.grid.ms} (${k.grid.grid.kvsCalls}; ${k.grid.grid.served})`,
        floor: `${k.grid.singles.ms} (${k.grid.singles.kvsCalls}; ${k.grid.singles.served})`,
        ratio: k.grid.ratio,
        target: 'reported; KVS calls equal, 16 of 16 served',
        met: k.grid.grid.kvsCalls <= k.grid.singles.kvsCalls && k.grid.grid.served === k.grid.sessions,
      },
    );
  }
  if (r.archive) out.push(...archiveRows(r.archive));
  if (r.e2e) {
    const e = r.e2e;
    out.push({
      figure: `end to end req/s, c=${e.connections} over ${e.streams} streams (floor: http + jose with the same authorizer cache + 1 KVS call + 1 audit line)`,
      ours: e.oursRps,
      floor: e.floorRps,
      ratio: e.ratio,
      target: 'reported',
    });
  }
  return out;
}

function render(r: any): string {
  const shares = (t: Record<string, number>) =>
    Object.entries(t)
      .map(([g, v]) => `${g} ${(v * 100).toFixed(1)} %`)
      .join(', ');
  const lines = [
    `kvs-session-broker bench: ${r.date}, Node ${r.node}, ${r.machine}, load average ${r.loadAverage.before[0]} -> ${r.loadAverage.after[0]}${r.quick ? ' (QUICK)' : ''}, ${r.durationSeconds} s`,
    '',
    markdownTable(rows(r)),
  ];
  if (r.e2e?.whereTheTimeGoes) {
    const w = r.e2e.whereTheTimeGoes;
    lines.push(
      '',
      `Where the local server's busy time goes (CPU profile, each sample charged to its nearest JS caller): ${shares(w.byGroup)}`,
      `Its top callers: ${shares(w.topFunctions)}`,
    );
  }
  if (r.bundles.leftOut.length > 0) lines.push('', `Variants not measured: ${r.bundles.leftOut.join('; ')}`);
  return lines.join('\n');
}
/* eslint-enable @typescript-eslint/no-explicit-any */

async function setup(dir: string, log: (s: string) => void): Promise<Setup & { close(): Promise<void> }> {
  log('building bundles (scripts/build.ts buildLambdaBundles, floors, variants)');
  const bundles = await buildBenchBundles(`${dir}/bundles`, BENCHED_LAMBDAS, EMPTY_FLOOR);
  const keys = await f.createKeys();
  const jwks = await f.startJwksServer(keys.jwks, dir);
  const plain = await f.startEmulator({ streams: 200, enforceQuotas: false });
  const quotas = await f.startEmulator({ streams: 2, enforceQuotas: true });
  const lambdaEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...f.AWS_ENV,
    AWS_ENDPOINT_URL_KINESIS_VIDEO: plain.endpoint,
    AWS_CONFIG_FILE: `${dir}/no-aws-config`,
    AWS_SHARED_CREDENTIALS_FILE: `${dir}/no-aws-credentials`,
    NODE_EXTRA_CA_CERTS: jwks.caFile,
    KVS_BROKER_CONFIG: JSON.stringify(f.deployedConfig(jwks.url)),
    POWERTOOLS_SERVICE_NAME: 'kvs-session-broker',
    POWERTOOLS_METRICS_NAMESPACE: 'KvsSessionBroker',
  };
  const close = async () => {
    await jwks.close();
    await plain.close();
    await quotas.close();
  };
  return { dir, bundles, keys, lambdaEnv, emulators: { plain, quotas }, log, close };
}

/** Writes bench/results/latest.json and latest.md and prints the table. */
async function writeResults(report: Record<string, unknown>): Promise<void> {
  mkdirSync(`${ROOT}bench/results`, { recursive: true });
  const resultsFile = `${ROOT}bench/results/latest.json`;
  // Formatted as the repository formats them, so that `prettier --check .` (which reads only the root ignore
  // files) passes with results in the work tree.
  const pretty = async (text: string, filepath: string) =>
    format(text, { ...(await resolveConfig(filepath)), filepath });
  writeFileSync(resultsFile, await pretty(JSON.stringify(report), resultsFile));
  const table = render(report);
  const tableFile = `${ROOT}bench/results/latest.md`;
  writeFileSync(tableFile, await pretty(table, tableFile));
  console.log(`${table}\n\nwritten to bench/results/latest.md and bench/results/latest.json`);
}

async function main(): Promise<void> {
  const began = Date.now();
  const loadBefore = loadavg();
  const dir = mkdtempSync(`${tmpdir()}/kvs-bench-`);
  const log = (s: string) => console.error(`[bench ${((Date.now() - began) / 1000).toFixed(0)} s] ${s}`);
  const s = await setup(dir, log);
  try {
    const { built } = s.bundles;
    const report: Record<string, unknown> = {
      date: new Date().toISOString(),
      node: process.version,
      machine: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}, ${round(totalmem() / 2 ** 30, 1)} GiB`,
      quick: QUICK,
      sections: only ?? SECTIONS,
      bundles: {
        bytes: Object.fromEntries(Object.entries(built).map(([k, b]) => [k, b.bytes])),
        leftOut: s.bundles.leftOut,
        byPackage: Object.fromEntries(
          BENCHED_LAMBDAS.map((l) => [l.bundle, bytesByPackage(built[l.bundle]!.metafile)]),
        ),
        zodImportedVia: Object.fromEntries(
          BENCHED_LAMBDAS.map((l) => [l.bundle, whoImports(built[l.bundle]!.metafile, 'zod')]),
        ),
      },
    };
    if (runs('cold')) report.cold = await coldSection(s);
    if (runs('authorizer')) {
      log('authorizer: decisions/s and CPU per decision against jose + one audit line; pieces in situ');
      report.authorizer = await authorizerBench({
        dir,
        keys: s.keys,
        bundleFile: built.authorizer!.file,
        env: s.lambdaEnv,
        rounds: ROUNDS.rate,
        tokensPerAlg: ROUNDS.tokensPerAlg,
        partsRounds: ROUNDS.parts,
      });
    }
    if (runs('handler')) report.handlerTime = await handlerSection(s);
    if (runs('kvs')) report.kvs = await kvsSection(s);
    if (runs('archive')) report.archive = await archiveBench(ROUNDS.archive, log);
    if (runs('e2e')) {
      log(`end to end: local server vs floor server, c=${E2E.connections}, ${E2E.streams} streams`);
      report.e2e = await endToEnd({ dir, port: Number(process.env.BENCH_PORT ?? 3901), ...E2E });
    }
    report.loadAverage = {
      before: loadBefore.map((l) => round(l, 1)),
      after: loadavg().map((l) => round(l, 1)),
    };
    report.durationSeconds = round((Date.now() - began) / 1000, 0);
    await writeResults(report);
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const HELP = `Usage: npm run bench [-- --print | --only=SECTIONS | -h | --help]

Runs every figure beside its floor and writes bench/results/latest.json and latest.md (see bench/README.md).
  --print              print the last results again, running nothing
  --only=SECTIONS      run only these sections (comma-separated): cold, authorizer, handler, kvs, archive, e2e
  -h, --help           this text
Environment: BENCH_QUICK=1 runs fewer rounds (for a quick look, not for figures).`;

const args = process.argv.slice(2);
const run = args.some((a) => a === '--help' || a === '-h')
  ? async () => console.log(HELP)
  : args.includes('--print')
    ? async () => console.log(render(JSON.parse(readFileSync(`${ROOT}bench/results/latest.json`, 'utf8'))))
    : main;
run().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
