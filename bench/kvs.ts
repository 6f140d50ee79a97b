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
import { median, round } from './stats';

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
 * requests sent at once (what a client does without the grid route) from another fresh instance, on an emulator
 * enforcing KVS's quotas, fresh each round; the two go first in turn. Per side: median wall time, KVS calls and
 * sessions served (the worst round's); the ratio is the median of the per-round ratios.
 */
export async function gridVsSingles(count = 16, rounds = 1) {
  const runs: Awaited<ReturnType<typeof gridAndSingles>>[] = [];
  for (let r = 0; r < rounds; r++) {
    const emulator = await startEmulator({ streams: count, enforceQuotas: true });
    try {
      runs.push(await gridAndSingles(emulator, streamNames(count), r % 2 === 1));
    } finally {
      await emulator.close();
    }
  }
  const side = (k: 'grid' | 'singles') => ({
    ms: round(median(runs.map((x) => x[k].ms)), 1),
    kvsCalls: Math.max(...runs.map((x) => x[k].kvsCalls)),
    served: Math.min(...runs.map((x) => x[k].served)),
  });
  return {
    sessions: count,
    rounds,
    grid: side('grid'),
    singles: side('singles'),
    ratio: round(median(runs.map((x) => x.grid.ms / x.singles.ms))),
  };
}

async function gridAndSingles(emulator: KvsEmulator, streams: string[], singlesFirst: boolean) {
  const handler = () =>
    createBrokerHandler({ config, kvs: adapter(emulator), logger: quietLogger, metrics: noMetrics() });
  const timedCalls = async <T>(f: () => Promise<T>) => {
    const calls0 = calls(emulator);
    const start = performance.now();
    const out = await f();
    return { ms: performance.now() - start, kvsCalls: calls(emulator) - calls0, out };
  };
  const grid = async () => {
    const g = await timedCalls(() =>
      handler()(
        gridEvent(streams, 'grid') as unknown as APIGatewayProxyEvent,
        lambdaContext('grid') as unknown as Context,
      ),
    );
    const entries = JSON.parse(g.out.body as string).sessions as { url?: string }[];
    return { ms: g.ms, kvsCalls: g.kvsCalls, served: entries.filter((e) => e.url).length };
  };
  const singles = async () => {
    const single = handler();
    const s = await timedCalls(() =>
      Promise.all(
        streams.map((stream, i) =>
          single(
            sessionEvent(stream, `single-${i}`) as unknown as APIGatewayProxyEvent,
            lambdaContext(`single-${i}`) as unknown as Context,
          ),
        ),
      ),
    );
    return { ms: s.ms, kvsCalls: s.kvsCalls, served: s.out.filter((r) => r.statusCode === 200).length };
  };
  if (singlesFirst) {
    const b = await singles();
    return { grid: await grid(), singles: b };
  }
  const a = await grid();
  return { grid: a, singles: await singles() };
}
