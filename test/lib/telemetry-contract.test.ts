// What the broker writes is what the dashboard, the alarms and the saved queries read: the EMF and audit lines of
// the real handlers (local mode, captured stdout) against the expressions and queries of a synthesized template.
// The two sides are compared with each other, so renaming a metric, a namespace or an audit value on one side only
// fails here, however each side is built.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Template } from 'aws-cdk-lib/assertions';
import { KvsSessionBroker } from '../../lib/kvs-session-broker';
import { KvsUsageDashboard } from '../../lib/usage-dashboard';
import type { LocalBroker } from '../../local/app';
import {
  captureOutput,
  devIssuerConfig,
  post,
  startTestBroker,
  type Captured,
} from '../support/local-broker';
import { newStack, render, testConfig } from './fixtures';

interface Emf {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

function jsonLines(captured: Captured): Record<string, unknown>[] {
  return captured.lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Each EMF metric as `namespace|name|dimension names sorted`. */
function emfMetrics(lines: Record<string, unknown>[]): string[] {
  return (lines.filter((l) => '_aws' in l) as unknown as Emf[]).flatMap((l) =>
    l._aws.CloudWatchMetrics.flatMap((m) =>
      m.Metrics.map((metric) => `${m.Namespace}|${metric.Name}|${[...m.Dimensions[0]!].sort().join(',')}`),
    ),
  );
}

async function run(perStreamDimensions: boolean) {
  const captured = captureOutput();
  let broker: LocalBroker | undefined;
  // Lambda sets this for an on-demand instance; Powertools emits ColdStart only then.
  process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
  try {
    broker = await startTestBroker((baseUrl) => ({
      issuers: [devIssuerConfig(baseUrl)],
      metrics: { perStreamDimensions },
      local: { streams: [{ name: 'cam-1' }] },
    }));
    const token = await broker.devIssuer!.mint({
      sub: 'alice',
      grants: [{ stream: 'cam-1', modes: ['LIVE', 'ON_DEMAND'] }],
    });
    expect((await post(broker, 'cam-1', token)).status).toBe(200);
    // An archive decision (the archive function's `kvs-archive` line and ImagesReturned).
    const iso = (ms: number) => new Date(Date.now() + ms).toISOString();
    const images = await fetch(
      `${broker.url}/v1/streams/cam-1/images?from=${iso(-60_000)}&to=${iso(-30_000)}&intervalMs=10000`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    expect(images.status).toBe(200);
    // Refused by the broker itself (API Gateway answers a cached-policy 403 without it).
    expect((await post(broker, 'cam-1', token, { protocol: 'RTSP' })).status).toBe(400);
    const list = await fetch(`${broker.url}/v1/streams`, { headers: { Authorization: `Bearer ${token}` } });
    expect(list.status).toBe(200);
  } finally {
    delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
    await broker?.close();
    captured.restore();
  }
  return jsonLines(captured);
}

let lines: Record<string, unknown>[];
let perStreamLines: Record<string, unknown>[];
beforeAll(async () => {
  lines = await run(false);
  perStreamLines = await run(true);
});

function templateOf(perStreamDimensions: boolean) {
  const stack = newStack();
  const broker = new KvsSessionBroker(stack, 'Broker', {
    config: testConfig({ metrics: { perStreamDimensions } }),
  });
  new KvsUsageDashboard(stack, 'Usage', { broker });
  return Template.fromStack(stack).toJSON() as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
}

/** Every metric expression and Logs Insights query of the dashboard, the alarms and the saved queries. */
function readers(perStreamDimensions: boolean): { expressions: string[]; queries: string[] } {
  const resources = Object.values(templateOf(perStreamDimensions).Resources);
  const dashboard = render(
    resources.find((r) => r.Type === 'AWS::CloudWatch::Dashboard')!.Properties.DashboardBody,
  );
  const widgets = JSON.parse(dashboard).widgets as {
    properties: { metrics?: unknown[][]; query?: string };
  }[];
  const alarmExpressions = resources
    .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
    .flatMap((r) =>
      ((r.Properties.Metrics as { Expression?: string }[] | undefined) ?? []).map((m) => m.Expression ?? ''),
    );
  return {
    expressions: [
      ...widgets
        .flatMap((w) =>
          (w.properties.metrics ?? []).flatMap((row) =>
            row.filter(
              (c): c is { expression: string } => typeof c === 'object' && c !== null && 'expression' in c,
            ),
          ),
        )
        .map((c) => c.expression),
      ...alarmExpressions,
    ],
    queries: [
      ...widgets.flatMap((w) => (w.properties.query ? [w.properties.query] : [])),
      ...resources
        .filter((r) => r.Type === 'AWS::Logs::QueryDefinition')
        .map((r) => String(r.Properties.QueryString)),
    ],
  };
}

describe('EMF written by the broker', () => {
  it('is one flush per invocation with a ColdStart metric, in the namespace and with the low-cardinality dimensions', () => {
    expect(emfMetrics(lines).sort()).toEqual([
      'KvsSessionBroker|ArchiveRequests|service',
      'KvsSessionBroker|ColdStart|function_name,service',
      'KvsSessionBroker|DiscoveryRequests|service',
      'KvsSessionBroker|ImagesReturned|Operation,service',
      'KvsSessionBroker|SessionsDenied|ErrorCode,service',
      'KvsSessionBroker|SessionsIssued|service',
    ]);
    const denied = lines.find((l) => '_aws' in l && 'SessionsDenied' in l)!;
    expect(denied).toMatchObject({
      ErrorCode: 'INVALID_REQUEST',
      service: 'kvs-session-broker',
      SessionsDenied: 1,
    });
  });

  it('adds StreamName to SessionsIssued only with metrics.perStreamDimensions', () => {
    expect(emfMetrics(perStreamLines)).toContain('KvsSessionBroker|SessionsIssued|StreamName,service');
    expect(perStreamLines.find((l) => 'SessionsIssued' in l)).toMatchObject({ StreamName: 'cam-1' });
  });
});

describe('the dashboard and alarms read what the broker writes', () => {
  /** Metric names in the expressions of `namespace`, from SEARCH (Namespace="N" MetricName="M") and Metrics Insights. */
  function metricsRead(expressions: string[], namespace: string): Set<string> {
    const names = new Set<string>();
    for (const e of expressions) {
      for (const m of e.matchAll(/Namespace="([^"]+)" MetricName="([^"]+)"/g))
        if (m[1] === namespace) names.add(m[2]!);
      for (const m of e.matchAll(/SELECT SUM\((\w+)\) FROM (\w+)/g)) if (m[2] === namespace) names.add(m[1]!);
    }
    return names;
  }

  it('every broker metric the template reads is one the broker emits, in the namespace it emits to', () => {
    const emitted = emfMetrics(lines);
    const namespaces = new Set(emitted.map((m) => m.split('|')[0]));
    expect([...namespaces]).toEqual(['KvsSessionBroker']);
    const read = metricsRead(readers(false).expressions, 'KvsSessionBroker');
    expect([...read].sort()).toEqual(['ImagesReturned', 'SessionsDenied', 'SessionsIssued']);
    for (const name of read) expect(emitted.some((m) => m.split('|')[1] === name)).toBe(true);
  });

  it('the dimensions the template selects by are on the metrics the broker emits', () => {
    const { expressions } = readers(true);
    const denied = expressions.filter((e) => e.includes('SessionsDenied'));
    expect(denied.some((e) => /ErrorCode/.test(e))).toBe(true);
    expect(emfMetrics(lines)).toContain('KvsSessionBroker|SessionsDenied|ErrorCode,service');
    const perStream = expressions.filter((e) => /MetricName="SessionsIssued" StreamName=/.test(e));
    expect(perStream.length).toBeGreaterThan(0);
    expect(emfMetrics(perStreamLines)).toContain('KvsSessionBroker|SessionsIssued|StreamName,service');
    // Without per-stream dimensions no widget asks for sessions by StreamName (it would stay blank).
    expect(readers(false).expressions.filter((e) => /SessionsIssued" StreamName/.test(e))).toEqual([]);
  });

  it('every audit value and field the queries filter on is on a line the broker wrote', () => {
    const { queries } = readers(false);
    const audits = new Set(lines.filter((l) => typeof l.audit === 'string').map((l) => l.audit as string));
    expect([...audits].sort()).toEqual(['kvs-archive', 'kvs-discovery', 'kvs-session']);
    const brokerAuditsRead = new Set(
      queries
        .flatMap((q) => [...q.matchAll(/"(kvs-[a-z]+)"/g)].map((m) => m[1]!))
        .filter((a) => a !== 'kvs-gateway'),
    );
    expect([...brokerAuditsRead].sort()).toEqual(['kvs-archive', 'kvs-discovery', 'kvs-session']);
    const granted = lines.find((l) => l.audit === 'kvs-session' && l.outcome === 'GRANTED')!;
    for (const field of ['issuer', 'tenant', 'sub', 'stream', 'expiresInSeconds', 'outcome'])
      expect(granted[field]).toBeDefined();
    const discovery = lines.find((l) => l.audit === 'kvs-discovery')!;
    for (const field of ['issuer', 'tenant', 'sub', 'outcome', 'streamsListed'])
      expect(discovery[field]).toBeDefined();
  });
});
