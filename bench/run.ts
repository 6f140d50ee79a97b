// `npm run bench`: every figure beside its floor, measured in the same run, in turn, as medians.
// Prints a table and writes bench/results/latest.json (ignored by git). BENCH_QUICK=1 runs fewer rounds;
// `--print` prints the last results again.
// See bench/README.md for what each row measures and how to read it.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';
import { buildBenchBundles, bytesByPackage, whoImports, type BuiltBundle } from './bundles';
import { compareColdRoundRobin, writeEvent, type ColdComparison, type ColdTarget } from './cold';
import { endToEnd } from './e2e';
import * as f from './fixtures';
import { callsPerWarmSession, coldInstancesOneStream, concurrentFirstRequests } from './kvs';
import { median, round } from './stats';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const QUICK = process.env.BENCH_QUICK === '1';
const COLD_ROUNDS = QUICK ? 3 : 21;
const RATE_ROUNDS = QUICK ? 6 : 60;
const TOKENS_PER_ALG = QUICK ? 100 : 300;
const HANDLER_ROUNDS = QUICK ? 3 : 9;
const E2E = { rounds: QUICK ? 1 : 3, seconds: QUICK ? 3 : 8, connections: 32, streams: 200 };

/** Runs a benchmark child (its stdout, full of log lines, discarded) and returns what it sends over IPC. */
function child<T>(args: string[], env: Record<string, string>): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let message: T | undefined;
    proc.on('message', (m) => (message = m as T));
    proc.once('error', reject);
    proc.once('exit', (code) =>
      message !== undefined ? resolve(message) : reject(new Error(`${args[1]}: exit ${code}`)),
    );
  });
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

async function main(): Promise<void> {
  const began = Date.now();
  const loadBefore = loadavg();
  const dir = mkdtempSync(`${tmpdir()}/kvs-bench-`);
  const log = (s: string) => console.error(`[bench ${((Date.now() - began) / 1000).toFixed(0)} s] ${s}`);

  log('building bundles (scripts/build.ts buildLambdaBundles, floors, variants)');
  const bundles = await buildBenchBundles(`${dir}/bundles`);

  const keys = await f.createKeys();
  const jwks = await f.startJwksServer(keys.jwks, dir);
  const emulator = await f.startEmulator({ streams: 200, enforceQuotas: false });
  const quotaEmulator = await f.startEmulator({ streams: 2, enforceQuotas: true });
  const lambdaEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...f.AWS_ENV,
    AWS_ENDPOINT_URL_KINESIS_VIDEO: emulator.endpoint,
    AWS_CONFIG_FILE: `${dir}/no-aws-config`,
    AWS_SHARED_CREDENTIALS_FILE: `${dir}/no-aws-credentials`,
    NODE_EXTRA_CA_CERTS: jwks.caFile,
    KVS_BROKER_CONFIG: JSON.stringify(f.deployedConfig(jwks.url)),
    POWERTOOLS_SERVICE_NAME: 'kvs-session-broker',
    POWERTOOLS_METRICS_NAMESPACE: 'KvsSessionBroker',
  };
  try {
    // Cold starts.
    const authorizerEvent = writeEvent(
      dir,
      'authorizer',
      f.authorizerEvent(await keys.mint('ES256', 'cold'), 'cam-000'),
    );
    const sessionEvent = writeEvent(dir, 'session', f.sessionEvent('cam-001'));
    const target = (b: BuiltBundle, kind: 'authorizer' | 'broker'): ColdTarget => ({
      label: b.name,
      file: b.file,
      eventFile: kind === 'authorizer' ? authorizerEvent : sessionEvent,
      expect: kind === 'authorizer' ? 'Allow' : 200,
    });
    const kinds: [string, 'authorizer' | 'broker'][] = [
      ['authorizer', 'authorizer'],
      ['authorizer, no zod', 'authorizer'],
      ['authorizer, no zod + lean log', 'authorizer'],
      ['authorizerFloor', 'authorizer'],
      ['broker', 'broker'],
      ['broker, no zod', 'broker'],
      ['broker, fromEnv credentials', 'broker'],
      ['broker, no zod + fromEnv', 'broker'],
      ['broker, no zod + fromEnv + lean log', 'broker'],
      ['brokerFloor', 'broker'],
      ['emptyFloor', 'broker'],
    ];
    const targets = kinds.map(([key, kind]) => target(bundles[key]!, kind));
    const label = (key: string) => bundles[key]!.name;
    log(`cold starts: ${targets.length} bundles in turn, ${COLD_ROUNDS} rounds`);
    const cold = await compareColdRoundRobin(
      targets,
      [
        [label('authorizer'), label('authorizerFloor')],
        [label('authorizer'), label('emptyFloor')],
        [label('authorizer, no zod'), label('authorizerFloor')],
        [label('authorizer, no zod + lean log'), label('authorizerFloor')],
        [label('broker'), label('brokerFloor')],
        [label('broker'), label('emptyFloor')],
        [label('broker, no zod'), label('brokerFloor')],
        [label('broker, fromEnv credentials'), label('brokerFloor')],
        [label('broker, no zod + fromEnv'), label('brokerFloor')],
        [label('broker, no zod + fromEnv + lean log'), label('brokerFloor')],
      ],
      COLD_ROUNDS,
      lambdaEnv,
      (r) => r % 5 === 4 && log(`cold starts: round ${r + 1}`),
    );

    // Authorizer decisions per second against bare jose.
    log('authorizer decisions/s vs jwtVerify');
    const rateEvents = [];
    for (const alg of ['RS256', 'ES256'] as const) {
      for (let i = 0; i < TOKENS_PER_ALG; i += 1) {
        const streamName = `cam-${String(i % 200).padStart(3, '0')}`;
        rateEvents.push({ alg, event: f.authorizerEvent(await keys.mint(alg, `user-${i}`), streamName) });
      }
    }
    const eventsFile = `${dir}/rate-events.json`;
    writeFileSync(eventsFile, JSON.stringify(rateEvents));
    const rates = await child<Record<string, { ours: number; floor: number }[]>>(
      ['bench/children/authorizer-rate.mjs', bundles.authorizer!.file, eventsFile, String(RATE_ROUNDS)],
      lambdaEnv,
    );
    // The same with Powertools' log level SILENT: what the audit line costs.
    const silentRates = await child<Record<string, { ours: number; floor: number }[]>>(
      ['bench/children/authorizer-rate.mjs', bundles.authorizer!.file, eventsFile, String(RATE_ROUNDS)],
      { ...lambdaEnv, POWERTOOLS_LOG_LEVEL: 'SILENT' },
    );
    const summarize = (table: typeof rates) =>
      Object.fromEntries(
        Object.entries(table).map(([alg, rounds]) => [
          alg,
          {
            oursPerSecond: round(median(rounds.map((r) => r.ours)), 0),
            joseJwtVerifyPerSecond: round(median(rounds.map((r) => r.floor)), 0),
            ratio: round(median(rounds.map((r) => r.ours / r.floor))),
          },
        ]),
      );
    // The variant with lambda/runtime's lean logger (and no zod), audit on.
    const leanRates = await child<Record<string, { ours: number; floor: number }[]>>(
      [
        'bench/children/authorizer-rate.mjs',
        bundles['authorizer, no zod + lean log']!.file,
        eventsFile,
        String(RATE_ROUNDS),
      ],
      lambdaEnv,
    );
    const authorizerRate = {
      auditOn: summarize(rates),
      auditOff: summarize(silentRates),
      leanLogAuditOn: summarize(leanRates),
    };

    log('authorizer: cost of each piece of a decision');
    const authorizerPartsUs = await child<Record<string, number>>(
      ['--import', 'tsx', 'bench/children/authorizer-parts.ts', String(QUICK ? 3 : 7)],
      lambdaEnv,
    );

    // The broker handler's own time.
    log('broker handler own time (in-process adapter)');
    const handler = await child<{ p50: Record<string, number[]>; p90: Record<string, number[]> }>(
      [
        '--import',
        'tsx',
        'bench/children/handler-time.ts',
        String(HANDLER_ROUNDS),
        '2000',
        bundles['handler kit']!.file,
        bundles['handler kit, lean log']!.file,
      ],
      { ...lambdaEnv, POWERTOOLS_DEV: '' },
    );
    const handlerTime = Object.fromEntries(
      Object.keys(handler.p50).map((k) => [
        k,
        { p50Us: round(median(handler.p50[k]!), 1), p90Us: round(median(handler.p90[k]!), 1) },
      ]),
    );

    // KVS call counts.
    log('KVS calls: warm sessions, concurrent first requests, cold instances with quotas');
    const warm = await callsPerWarmSession(emulator, f.streamNames(20));
    const concurrent = await concurrentFirstRequests(emulator, 'cam-150', 50);
    const coldInstances = await coldInstancesOneStream(quotaEmulator, 'cam-000', 20);

    // End to end.
    log(`end to end: local server vs floor server, c=${E2E.connections}, ${E2E.streams} streams`);
    const e2e = await endToEnd({ dir, port: Number(process.env.BENCH_PORT ?? 3901), ...E2E });

    const bundleBytes = Object.fromEntries(Object.entries(bundles).map(([k, b]) => [k, b.bytes]));
    const report = {
      date: new Date().toISOString(),
      node: process.version,
      machine: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}, ${round(totalmem() / 2 ** 30, 1)} GiB`,
      loadAverage: { before: loadBefore.map((l) => round(l, 1)), after: loadavg().map((l) => round(l, 1)) },
      quick: QUICK,
      durationSeconds: round((Date.now() - began) / 1000, 0),
      bundles: {
        bytes: bundleBytes,
        byPackage: {
          authorizer: bytesByPackage(bundles.authorizer!.metafile),
          broker: bytesByPackage(bundles.broker!.metafile),
        },
        zodImportedVia: {
          authorizer: whoImports(bundles.authorizer!.metafile, 'zod'),
          broker: whoImports(bundles.broker!.metafile, 'zod'),
        },
      },
      cold,
      authorizerRate,
      authorizerPartsUs,
      handlerTime,
      kvs: { warm, concurrent, coldInstances },
      e2e,
    };
    mkdirSync(`${ROOT}bench/results`, { recursive: true });
    // Formatted as prettier formats it, so that `prettier --check .` (which reads only the root ignore files) passes.
    const resultsFile = `${ROOT}bench/results/latest.json`;
    writeFileSync(resultsFile, await format(JSON.stringify(report), { filepath: resultsFile }));
    printReport(report);
  } finally {
    await jwks.close();
    await emulator.close();
    await quotaEmulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the report is printed as it was built just above */
function printReport(r: any): void {
  const out: string[] = [];
  const row = (...cells: (string | number)[]) => out.push(`| ${cells.join(' | ')} |`);
  out.push(
    `kvs-session-broker bench: ${r.date}, Node ${r.node}, ${r.machine}, load average ${r.loadAverage.before[0]} -> ${r.loadAverage.after[0]}${r.quick ? ' (QUICK)' : ''}, ${r.durationSeconds} s`,
    '',
    '| figure | ours | floor | ratio | target |',
    '|---|---:|---:|---:|---|',
  );
  const rateLabels: Record<string, string> = {
    auditOn: 'audit on',
    auditOff: 'audit off (log level SILENT)',
    leanLogAuditOn: 'variant: no zod + lean log, audit on',
  };
  for (const audit of Object.keys(r.authorizerRate)) {
    const on = audit === 'auditOn';
    for (const [alg, a] of Object.entries(r.authorizerRate[audit]) as [string, any][]) {
      const label = rateLabels[audit] ?? audit;
      row(
        `authorizer decisions/s, ${alg}, ${label} (floor: jose jwtVerify)`,
        a.oursPerSecond,
        a.joseJwtVerifyPerSecond,
        a.ratio,
        on ? '>= 0.9' : 'reported',
      );
    }
  }
  for (const c of r.cold as ColdComparison[]) {
    const target = c.floor === 'empty floor' ? 'reported' : '<= 1.3';
    row(
      `cold start ms, whole process: ${c.bundle} (floor: ${c.floor})`,
      c.processMedianMs,
      c.floorProcessMedianMs,
      c.processRatio,
      target,
    );
    row(
      `cold start ms, import + first call: ${c.bundle} (floor: ${c.floor})`,
      c.medianMs,
      c.floorMedianMs,
      c.ratio,
      'reported',
    );
  }
  const b = r.bundles.bytes;
  row(
    'bundle, authorizer (floor: jose + trivial handler)',
    kb(b.authorizer),
    kb(b.authorizerFloor),
    round(b.authorizer / b.authorizerFloor),
    '<= 60 KB',
  );
  row(
    'bundle, authorizer without zod (variant)',
    kb(b['authorizer, no zod']),
    kb(b.authorizerFloor),
    round(b['authorizer, no zod'] / b.authorizerFloor),
    '<= 60 KB',
  );
  row(
    'bundle, authorizer without zod, lean log (variant)',
    kb(b['authorizer, no zod + lean log']),
    kb(b.authorizerFloor),
    round(b['authorizer, no zod + lean log'] / b.authorizerFloor),
    '<= 60 KB',
  );
  row(
    'bundle, broker (floor: two KVS clients + trivial handler)',
    kb(b.broker),
    kb(b.brokerFloor),
    round(b.broker / b.brokerFloor),
    '<= 300 KB',
  );
  for (const v of [
    'broker, no zod',
    'broker, fromEnv credentials',
    'broker, no zod + fromEnv',
    'broker, no zod + fromEnv + lean log',
  ]) {
    row(`bundle, ${v} (variant)`, kb(b[v]), kb(b.brokerFloor), round(b[v] / b.brokerFloor), '<= 300 KB');
  }
  for (const [piece, us] of Object.entries(r.authorizerPartsUs ?? {})) {
    row(`authorizer decision, one piece, us per call: ${piece}`, us as number, '', '', 'reported');
  }
  const h = r.handlerTime;
  for (const k of Object.keys(h)) {
    row(
      `broker handler own time p50 us, ${k} (p90 ${h[k].p90Us})`,
      h[k].p50Us,
      '',
      '',
      k === 'deployed' ? '<= 60' : 'reported',
    );
  }
  const k = r.kvs;
  row(
    'KVS calls per warm session',
    k.warm.callsPerSession,
    1,
    round(k.warm.callsPerSession),
    '1.0 (naive 2.0)',
  );
  row(
    `GetDataEndpoint calls, ${k.concurrent.concurrency} concurrent first requests, one instance`,
    k.concurrent.getDataEndpointCalls,
    1,
    '',
    '1',
  );
  row(
    `${k.coldInstances.instances} cold instances, one stream, quotas on: served (429s; slowest ms)`,
    `${k.coldInstances.served} (${k.coldInstances.throttled429}; ${k.coldInstances.slowestMs})`,
    k.coldInstances.instances,
    '',
    '20 of 20',
  );
  const e = r.e2e;
  row(
    `end to end req/s, c=${e.connections}, ${e.streams} streams (floor: http + jose + 1 KVS call)`,
    e.oursRps,
    e.floorRps,
    e.ratio,
    'reported',
  );
  const shares = (t: Record<string, number>) =>
    Object.entries(t)
      .map(([g, share]) => `${g} ${(share * 100).toFixed(1)} %`)
      .join(', ');
  if (e.whereTheTimeGoes) {
    out.push(
      '',
      `Where the local server's busy time goes (CPU profile, self time, idle left out): ${shares(e.whereTheTimeGoes.byGroup)}`,
      `Its top functions: ${shares(e.whereTheTimeGoes.topFunctions)}`,
    );
  }
  out.push(`zod reaches the bundles through: ${JSON.stringify(r.bundles.zodImportedVia)}`);
  out.push('', 'written to bench/results/latest.json');
  console.log(out.join('\n'));
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const HELP = `Usage: npm run bench -- [--print] [-h, --help]

Every figure beside its floor, measured in the same run, in turn, as medians; prints a table and writes
bench/results/latest.json. BENCH_QUICK=1 runs fewer rounds. See bench/README.md.

  --print      print the last results (bench/results/latest.json) again, measuring nothing
  -h, --help   this text
`;

const args = process.argv.slice(2);
const run = args.some((a) => a === '--help' || a === '-h')
  ? async () => void process.stdout.write(HELP)
  : args.includes('--print')
    ? async () => printReport(JSON.parse(readFileSync(`${ROOT}bench/results/latest.json`, 'utf8')))
    : main;
run().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
