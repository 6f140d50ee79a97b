// The broker handler's own time: the real handler (middy, Logger, Metrics, core) with an in-process KVS adapter
// that answers at once, so every microsecond is ours. Variants, in turn, show where that time goes:
//   deployed                     Metrics.singleMetric() per request (as lambda/broker/handler.ts does today)
//   metrics flushed once         one long-lived Metrics: addDimension/addMetric, one publishStoredMetrics a call
//   no metrics                   a Metrics whose single metric does nothing
//   no metrics, no logging       and a Logger that does nothing: middy, parsing, decision, JSON
// Log and metric lines go to this process's stdout, which the parent discards. Reports over IPC.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { createBrokerHandler } from '../../lambda/broker/handler';
import { validateConfig } from '../../lambda/runtime/validate';
import type { KvsAdapter } from '../../lambda/kvs/adapter';
import { deployedConfig, lambdaContext, sessionEvent } from '../fixtures';
import { quantile } from '../stats';

const [roundsArg, perRoundArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 7);
const perRound = Number(perRoundArg ?? 2000);
const config = validateConfig(deployedConfig('https://idp.bench.example/jwks'));
const kvs: KvsAdapter = {
  getStreamingSessionUrl: async () =>
    'https://b-1234.kinesisvideo.us-east-1.amazonaws.com/dash/v1/getDASHManifest.mpd?SessionToken=x',
  listStreams: async () => ({ streamNames: [] }),
};

function flushedOnce(): Metrics {
  const metrics = new Metrics({ namespace: 'KvsSessionBroker', serviceName: 'kvs-session-broker' });
  const single = {
    addDimension: (name: string, value: string) => metrics.addDimension(name, value),
    addMetric: (...args: Parameters<Metrics['addMetric']>) => {
      metrics.addMetric(...args);
      metrics.publishStoredMetrics();
    },
  };
  return { singleMetric: () => single } as unknown as Metrics;
}

const noMetrics = { singleMetric: () => ({ addDimension() {}, addMetric() {} }) } as unknown as Metrics;
const silentLogger = new Logger({ serviceName: 'kvs-session-broker', logLevel: 'SILENT' });

const variants = {
  deployed: createBrokerHandler({
    config,
    kvs,
    logger: new Logger({ serviceName: 'kvs-session-broker' }),
    metrics: new Metrics({ namespace: 'KvsSessionBroker', serviceName: 'kvs-session-broker' }),
  }),
  'metrics flushed once': createBrokerHandler({
    config,
    kvs,
    logger: new Logger({ serviceName: 'kvs-session-broker' }),
    metrics: flushedOnce(),
  }),
  'no metrics': createBrokerHandler({
    config,
    kvs,
    logger: new Logger({ serviceName: 'kvs-session-broker' }),
    metrics: noMetrics,
  }),
  'no metrics, no logging': createBrokerHandler({ config, kvs, logger: silentLogger, metrics: noMetrics }),
};

const streams = Array.from({ length: 50 }, (_, i) => `cam-${String(i).padStart(3, '0')}`);
const events = streams.map((s, i) => sessionEvent(s, `req-${i}`) as unknown as APIGatewayProxyEvent);
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
