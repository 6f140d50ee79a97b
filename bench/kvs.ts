// KVS call counts, in-process against the emulator: calls per warm session, GetDataEndpoint calls for concurrent
// first requests in one instance, and many cold instances starting at once on one stream with quotas on.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { createBrokerHandler } from '../lambda/broker/handler';
import { createKvsAdapter } from '../lambda/kvs/adapter';
import { kvsAdapterOptions } from '../lambda/kvs/options';
import { parseSessionRequest } from '../lambda/core/request';
import { validateConfig } from '../lambda/runtime/validate';
import type { KvsEmulator } from '../local/emulator';
import {
  AWS_ENV,
  deployedConfig,
  lambdaContext,
  REGION,
  sessionEvent,
  startEmulator,
  streamNames,
} from './fixtures';
import { round } from './stats';

const config = validateConfig(deployedConfig('https://idp.bench.example/jwks'));

function adapter(emulator: KvsEmulator) {
  return createKvsAdapter(
    kvsAdapterOptions(config, {
      region: REGION,
      endpoint: emulator.endpoint,
      credentials: { accessKeyId: AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: AWS_ENV.AWS_SECRET_ACCESS_KEY },
    }),
  );
}

function calls(emulator: KvsEmulator): number {
  return Object.values(emulator.stats().requests).reduce((a, b) => a + b, 0);
}

/** KVS calls per session once the instance is warm (its data endpoints cached): the floor is 1, naive is 2. */
export async function callsPerWarmSession(emulator: KvsEmulator, streams: string[], sessions = 200) {
  const kvs = adapter(emulator);
  for (const s of streams) await kvs.getStreamingSessionUrl(parseSessionRequest(s, undefined), 300);
  const before = calls(emulator);
  for (let i = 0; i < sessions; i += 1) {
    await kvs.getStreamingSessionUrl(parseSessionRequest(streams[i % streams.length], undefined), 300);
  }
  return {
    sessions,
    streams: streams.length,
    callsPerSession: round((calls(emulator) - before) / sessions, 3),
  };
}

/** One fresh instance, `concurrency` first requests for one stream at once: how many GetDataEndpoint calls. */
export async function concurrentFirstRequests(emulator: KvsEmulator, stream: string, concurrency = 50) {
  const kvs = adapter(emulator);
  const before = emulator.stats().requests.GetDataEndpoint ?? 0;
  const results = await Promise.allSettled(
    Array.from({ length: concurrency }, () =>
      kvs.getStreamingSessionUrl(parseSessionRequest(stream, undefined), 300),
    ),
  );
  return {
    concurrency,
    getDataEndpointCalls: (emulator.stats().requests.GetDataEndpoint ?? 0) - before,
    served: results.filter((r) => r.status === 'fulfilled').length,
  };
}

const quietLogger = new Logger({ serviceName: 'kvs-session-broker', logLevel: 'SILENT' });
/** Each instance's own Powertools Metrics, recording nothing (its output is not what this measures). */
function noMetrics(): Metrics {
  const metrics = new Metrics({
    namespace: 'KvsSessionBroker',
    serviceName: 'kvs-session-broker',
    logger: { warn() {} },
  } as never);
  metrics.addMetric = () => metrics;
  // Each decision is counted on its own single metric (lambda/broker/metrics.ts): silent too.
  metrics.singleMetric = () => metrics;
  return metrics;
}

/**
 * `instances` cold instances (each its own adapter and handler: nothing cached, nothing shared) serve one session
 * each, all at once, on one stream of an emulator enforcing KVS's quotas (GetDataEndpoint 5 TPS per stream).
 */
export async function coldInstancesOneStream(emulator: KvsEmulator, stream: string, instances = 20) {
  const handlers = Array.from({ length: instances }, () =>
    createBrokerHandler({ config, kvs: adapter(emulator), logger: quietLogger, metrics: noMetrics() }),
  );
  const start = performance.now();
  const outcomes = await Promise.all(
    handlers.map(async (handler, i) => {
      const response = await handler(
        sessionEvent(stream, `cold-${i}`) as unknown as APIGatewayProxyEvent,
        lambdaContext(`cold-${i}`) as unknown as Context,
      );
      return { status: response.statusCode, ms: performance.now() - start };
    }),
  );
  const stats = emulator.stats();
  return {
    instances,
    served: outcomes.filter((o) => o.status === 200).length,
    throttled429: outcomes.filter((o) => o.status === 429).length,
    otherStatuses: outcomes.filter((o) => o.status !== 200 && o.status !== 429).map((o) => o.status),
    slowestMs: round(Math.max(...outcomes.map((o) => o.ms)), 0),
    emulatorThrottled: stats.throttled,
  };
}

/** A POST /v1/sessions event for `streams` (the grid route), as API Gateway sends it. */
function gridEvent(streams: string[], requestId: string) {
  const single = sessionEvent(streams[0]!, requestId);
  return {
    ...single,
    resource: '/v1/sessions',
    path: '/v1/sessions',
    pathParameters: null,
    body: JSON.stringify({ sessions: streams.map((streamName) => ({ streamName })) }),
  };
}

/**
 * A camera grid of `streams` (16) from a fresh instance: one POST /v1/sessions against the floor of 16 single
 * requests sent at once (what a client does without the grid route), each from its own fresh instance, on an
 * emulator enforcing KVS's quotas. KVS calls and wall time of each, and what was served.
 */
export async function gridVsSingles(count = 16) {
  const emulator = await startEmulator({ streams: count, enforceQuotas: true });
  try {
    return await gridAndSingles(emulator, streamNames(count));
  } finally {
    await emulator.close();
  }
}

async function gridAndSingles(emulator: KvsEmulator, streams: string[]) {
  const calls0 = calls(emulator);
  const gridHandler = createBrokerHandler({
    config,
    kvs: adapter(emulator),
    logger: quietLogger,
    metrics: noMetrics(),
  });
  let start = performance.now();
  const grid = await gridHandler(
    gridEvent(streams, 'grid') as unknown as APIGatewayProxyEvent,
    lambdaContext('grid') as unknown as Context,
  );
  const gridMs = performance.now() - start;
  const entries = JSON.parse(grid.body as string).sessions as { url?: string }[];
  const gridCalls = calls(emulator) - calls0;
  const singleHandler = createBrokerHandler({
    config,
    kvs: adapter(emulator),
    logger: quietLogger,
    metrics: noMetrics(),
  });
  start = performance.now();
  const singles = await Promise.all(
    streams.map((s, i) =>
      singleHandler(
        sessionEvent(s, `single-${i}`) as unknown as APIGatewayProxyEvent,
        lambdaContext(`single-${i}`) as unknown as Context,
      ),
    ),
  );
  const singlesMs = performance.now() - start;
  return {
    sessions: streams.length,
    grid: { ms: round(gridMs, 1), kvsCalls: gridCalls, served: entries.filter((e) => e.url).length },
    singles: {
      ms: round(singlesMs, 1),
      kvsCalls: calls(emulator) - calls0 - gridCalls,
      served: singles.filter((r) => r.statusCode === 200).length,
    },
  };
}
