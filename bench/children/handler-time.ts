// The broker handler's own time: the real handler (middy, logger, metrics, core) with an in-process KVS adapter
// that answers at once, so every microsecond is ours. Handlers come from two bundles of bench/variants/
// handler-kit.ts: as deployed, and with lambda/runtime's lean logger and EMF writer. Variants, in turn:
//   deployed                     Powertools: Logger, Metrics flushed once per invocation (lambda/broker/handler.ts)
//   no metrics                   a Metrics that records nothing
//   no metrics, no logging       and a Logger at SILENT: middy, parsing, decision, JSON
//   lean log                     bench/variants/lean-log.ts in place of Powertools Logger
// Log and metric lines go to this process's stdout, which the parent discards. Reports over IPC.
// argv: <rounds> <calls per round> <kit bundle> <lean kit bundle>
import { pathToFileURL } from 'node:url';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type * as Kit from '../variants/handler-kit';
import type { KvsAdapter } from '../../lambda/kvs/adapter';
import { deployedConfig, lambdaContext, sessionEvent } from '../fixtures';
import { quantile } from '../stats';

const [roundsArg, perRoundArg, kitFile, leanKitFile] = process.argv.slice(2);
const rounds = Number(roundsArg);
const perRound = Number(perRoundArg);
const kit = (await import(pathToFileURL(kitFile!).href)) as typeof Kit;
const lean = (await import(pathToFileURL(leanKitFile!).href)) as typeof Kit;
const config = kit.validateConfig(deployedConfig('https://idp.bench.example/jwks'));
const kvs: KvsAdapter = {
  getStreamingSessionUrl: async () =>
    'https://b-1234.kinesisvideo.us-east-1.amazonaws.com/dash/v1/getDASHManifest.mpd?SessionToken=x',
  listStreams: async () => ({ streamNames: [] }),
};
const service = { serviceName: 'kvs-session-broker' };
const metricsOptions = { namespace: 'KvsSessionBroker', ...service };

/** Powertools Metrics that records nothing: what the handler costs without its metrics. */
function silentMetrics(): Metrics {
  const metrics = new kit.Metrics({ ...metricsOptions, logger: { warn() {} } } as never);
  metrics.addMetric = () => metrics;
  metrics.addDimension = () => metrics;
  return metrics;
}

const variants = {
  deployed: kit.createBrokerHandler({
    config,
    kvs,
    logger: new kit.Logger(service),
    metrics: new kit.Metrics(metricsOptions),
  }),
  'no metrics': kit.createBrokerHandler({
    config,
    kvs,
    logger: new kit.Logger(service),
    metrics: silentMetrics(),
  }),
  'no metrics, no logging': kit.createBrokerHandler({
    config,
    kvs,
    logger: new kit.Logger({ ...service, logLevel: 'SILENT' }),
    metrics: silentMetrics(),
  }),
  'lean log': lean.createBrokerHandler({
    config,
    kvs,
    logger: new lean.Logger(service) as unknown as Logger,
    metrics: new lean.Metrics(metricsOptions),
  }),
};

const events = Array.from(
  { length: 50 },
  (_, i) => sessionEvent(`cam-${String(i).padStart(3, '0')}`, `req-${i}`) as unknown as APIGatewayProxyEvent,
);
const context = lambdaContext('bench') as unknown as Context;

async function round(handler: (typeof variants)['deployed']): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < perRound; i += 1) {
    const start = process.hrtime.bigint();
    const response = await handler(events[i % events.length]!, context);
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
    if (response.statusCode !== 200) throw new Error(`answered ${response.statusCode}: ${response.body}`);
  }
  return samples;
}

const names = Object.keys(variants) as (keyof typeof variants)[];
for (const name of names) await round(variants[name]); // warm-up
const p50: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
const p90: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < rounds; r += 1) {
  // A different variant leads each round.
  for (let k = 0; k < names.length; k += 1) {
    const name = names[(r + k) % names.length]!;
    const samples = await round(variants[name]);
    p50[name]!.push(quantile(samples, 0.5));
    p90[name]!.push(quantile(samples, 0.9));
  }
}
process.send!({ p50, p90 }, () => process.exit(0));
