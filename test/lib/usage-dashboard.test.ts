// The usage dashboard and its alarms, read from the template.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Duration, Stack, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';
import { KvsSessionBroker } from '../../lib/kvs-session-broker';
import { KvsUsageDashboard } from '../../lib/usage-dashboard';
import { newStack, render, testConfig } from './fixtures';

interface Widget {
  type: string;
  properties: { title?: string; metrics?: unknown[][]; query?: string; view?: string };
}

let template: Template;
let usage: KvsUsageDashboard;
let broker: KvsSessionBroker;
let widgets: Widget[];
/** The same widgets with each token rendered as `${LogicalId}` instead of a placeholder. */
let renderedWidgets: Widget[];

beforeAll(() => {
  const stack = newStack();
  broker = new KvsSessionBroker(stack, 'Broker', { config: testConfig() });
  const topic = new sns.Topic(stack, 'Alarms');
  usage = new KvsUsageDashboard(stack, 'Usage', {
    broker,
    alarmTopic: topic,
    outgoingBytesThreshold: 5 * 1024 ** 3,
  });
  template = Template.fromStack(stack);

  const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]!;
  const [, parts] = dashboard.Properties.DashboardBody['Fn::Join'] as [string, unknown[]];
  // Tokens (region, function names) sit inside JSON strings: a placeholder keeps the body parseable.
  const body = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(''));
  widgets = body.widgets;
  renderedWidgets = JSON.parse(parts.map(render).join('')).widgets;
});

function logicalId(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}

function widget(title: string): Widget {
  const found = widgets.find((w) => w.properties.title === title);
  if (!found)
    throw new Error(`no widget titled ${title}: ${widgets.map((w) => w.properties.title).join(', ')}`);
  return found;
}

function expressions(w: Widget): string[] {
  return (w.properties.metrics ?? []).flatMap((row) =>
    row
      .filter(
        (cell): cell is { expression: string } =>
          typeof cell === 'object' && cell !== null && 'expression' in cell,
      )
      .map((cell) => cell.expression),
  );
}

describe('dashboard', () => {
  it('shows, for a stream named exactly, its KVS playback bytes by StreamName (sessions per stream only with metrics.perStreamDimensions)', () => {
    const w = widget('Stream cam-1');
    const plain = (w.properties.metrics ?? []).filter((row) => row[0] === 'AWS/KinesisVideo');
    expect(plain.map((row) => row.slice(0, 4))).toEqual([
      ['AWS/KinesisVideo', 'GetMP4MediaFragment.OutgoingBytes', 'StreamName', 'cam-1'],
      ['AWS/KinesisVideo', 'GetTSFragment.OutgoingBytes', 'StreamName', 'cam-1'],
      ['AWS/KinesisVideo', 'GetClip.OutgoingBytes', 'StreamName', 'cam-1'],
    ]);
    expect(plain.every((row) => (row[4] as { stat: string }).stat === 'Sum')).toBe(true);
    expect(expressions(w)).toEqual([]);
  });

  it('uses SEARCH expressions for a prefix pattern', () => {
    const w = widget('Streams site7-* (SEARCH: may include other streams sharing its words)');
    expect(expressions(w)).toContain(
      `SEARCH('{AWS/KinesisVideo,StreamName} MetricName="GetMP4MediaFragment.OutgoingBytes" StreamName=site7', 'Sum', 300)`,
    );
  });

  it('totals playback bytes and sessions across all streams', () => {
    expect(
      expressions(widget('Playback bytes, all streams (account and region) / sessions issued')),
    ).toContain(
      `SUM(SEARCH('{AWS/KinesisVideo,StreamName} MetricName="GetMP4MediaFragment.OutgoingBytes"', 'Sum', 300))`,
    );
  });

  it('breaks denied sessions down by error code, whatever other dimensions they carry', () => {
    expect(expressions(widget('Sessions denied by error code'))).toEqual([
      `SEARCH('Namespace="KvsSessionBroker" MetricName="SessionsDenied" ErrorCode', 'Sum', 300)`,
    ]);
  });
});

describe('audit widgets (Logs Insights)', () => {
  /** The widget, its query on one line (CDK writes a line per command: `\n| `). */
  function logWidget(titleStart: string): Widget {
    const found = renderedWidgets.filter(
      (w) => w.type === 'log' && w.properties.title?.startsWith(titleStart),
    );
    expect(found).toHaveLength(1);
    const { properties } = found[0]!;
    return { ...found[0]!, properties: { ...properties, query: properties.query?.replace(/\n\| /g, ' | ') } };
  }

  // Every function of the route table (broker, archive, clip, webrtc: their audit lines), then the authorizer.
  const lambdaSources = () =>
    [...Object.values(broker.logGroups.functions), broker.logGroups.authorizer]
      .map((g) => `SOURCE '\${${logicalId(g)}}'`)
      .join(' | ');

  it('counts the kvs-session decisions of the broker and the authorizer by outcome and error code', () => {
    const w = logWidget('Audit: decisions by outcome and error code');
    expect(w.properties.view).toBe('table');
    expect(w.properties.query).toBe(
      `${lambdaSources()} | filter audit = "kvs-session" | stats count(*) as decisions by outcome, errorCode | sort decisions desc`,
    );
  });

  it('counts sessions per principal (issuer and sub) and stream, from the same audit lines', () => {
    const w = logWidget('Audit: sessions per principal and stream');
    expect(w.properties.query).toBe(
      `${lambdaSources()} | filter audit = "kvs-session" | stats count(*) as sessions by issuer, sub, stream, outcome | sort sessions desc | limit 100`,
    );
  });

  it('counts error answers per principal from the access log, where cached-policy 403s are the only trace', () => {
    const w = logWidget('Audit: API error answers per principal');
    expect(w.properties.query).toBe(
      `SOURCE '\${${logicalId(broker.logGroups.access)}}' | filter audit = "kvs-gateway" and status like /^[45]/ | ` +
        'stats count(*) as requests by status, error.responseType, issuer, sub, httpMethod, resourcePath | sort requests desc | limit 100',
    );
  });
});

describe('archive usage (clips and images, README "Usage and cost report")', () => {
  const clipSearch = (term: string) =>
    `SEARCH('{AWS/KinesisVideo,StreamName} MetricName="GetClip.OutgoingBytes"${term}', 'Sum', 300)`;
  const imagesSum = `SUM(SEARCH('Namespace="KvsSessionBroker" MetricName="ImagesReturned"', 'Sum', 300))`;
  const labels = (w: Widget) =>
    (w.properties.metrics ?? []).flatMap((row) =>
      row.flatMap((cell) =>
        typeof cell === 'object' && cell !== null && 'label' in cell ? [cell.label] : [],
      ),
    );

  it('graphs GetClip.OutgoingBytes per configured stream, with a cost line at KVS data consumed, USD 0.0085 per GB (US East, aws.amazon.com/kinesis/video-streams/pricing)', () => {
    const w = widget('Archive: clip bytes per stream (GetClip.OutgoingBytes) / their cost, all streams');
    expect(expressions(w)).toEqual([
      clipSearch(' StreamName="cam-1"'),
      clipSearch(' StreamName=site7'),
      `SUM(${clipSearch('')}) * 0.0085 / 1073741824`,
    ]);
    expect(labels(w)).toContain('GetClip cost (USD at 0.0085 per GB of data consumed)');
  });

  it('graphs the images returned (the ImagesReturned metric, whatever its dimensions), not priced by default: KVS publishes no per-image price we could find', () => {
    const w = widget('Archive: images returned, all streams (GetImages)');
    expect(expressions(w)).toEqual([imagesSum]);
    expect(labels(w)).toEqual([
      'ImagesReturned (not priced: KVS publishes no per-image price we could find; set pricePer1000Images)',
    ]);
  });

  it("prices images and clips with the prices given (the usage report's --price-per-1000-images and --price-per-gb)", () => {
    const stack = newStack('Priced');
    const priced = new KvsSessionBroker(stack, 'Broker', { config: testConfig() });
    new KvsUsageDashboard(stack, 'Usage', { broker: priced, pricePerGb: 0.01, pricePer1000Images: 0.5 });
    const dashboard = Object.values(
      Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'),
    )[0]!;
    const [, parts] = dashboard.Properties.DashboardBody['Fn::Join'] as [string, unknown[]];
    const all: Widget[] = JSON.parse(
      parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join(''),
    ).widgets;
    const byTitle = (title: string) => all.find((w) => w.properties.title === title)!;
    expect(expressions(byTitle('Archive: images returned, all streams (GetImages)'))).toEqual([
      imagesSum,
      `${imagesSum} * 0.5 / 1000`,
    ]);
    expect(labels(byTitle('Archive: images returned, all streams (GetImages)'))).toEqual([
      'ImagesReturned',
      'GetImages cost (USD at 0.5 per 1,000 images)',
    ]);
    expect(
      expressions(
        byTitle('Archive: clip bytes per stream (GetClip.OutgoingBytes) / their cost, all streams'),
      ),
    ).toContain(`SUM(${clipSearch('')}) * 0.01 / 1073741824`);
  });

  it('counts images per stream from the kvs-archive audit lines of the route functions (the metric has no StreamName)', () => {
    const found = renderedWidgets.filter(
      (w) =>
        w.type === 'log' && w.properties.title === 'Audit: images returned per stream (GetImages granted)',
    );
    expect(found).toHaveLength(1);
    const sources = Object.values(broker.logGroups.functions)
      .map((g) => `SOURCE '\${${logicalId(g)}}'`)
      .join(' | ');
    expect(found[0]!.properties.query?.replace(/\n\| /g, ' | ')).toBe(
      `${sources} | filter audit = "kvs-archive" and kvsOperation = "GetImages" and outcome = "GRANTED" | ` +
        'stats count(*) as requests, sum(imagesReturned) as images by stream | sort images desc | limit 100',
    );
  });
});

describe('alarms', () => {
  it('creates one alarm per byte metric and four health alarms; the composite and the health alarms notify the topic on ALARM and OK', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3 + 4);
    template.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 1);
    const topicRef = { Ref: Match.stringLikeRegexp('^Alarms') };
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    const perMetric = alarms.filter((a) =>
      /^KVS Get\w+\.OutgoingBytes over/.test(a.Properties.AlarmDescription),
    );
    expect(perMetric).toHaveLength(3);
    for (const alarm of perMetric) {
      expect(alarm.Properties.AlarmActions).toBeUndefined();
      expect(alarm.Properties.OKActions).toBeUndefined();
    }
    const topic = { Ref: expect.stringMatching(/^Alarms/) };
    for (const alarm of alarms.filter((a) => !perMetric.includes(a))) {
      expect(alarm.Properties).toMatchObject({ AlarmActions: [topic], OKActions: [topic] });
    }
    template.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', {
      AlarmActions: [topicRef],
      OKActions: [topicRef],
    });
  });

  it.each([
    'GetMP4MediaFragment.OutgoingBytes',
    'GetTSFragment.OutgoingBytes',
    'GetClip.OutgoingBytes',
  ] as const)(
    'alarms on %s with its own single Metrics Insights query over the configured threshold',
    (metric) => {
      const alarm =
        template.toJSON().Resources[
          Stack.of(usage).getLogicalId(
            usage.alarms.outgoingBytesByMetric[metric].node.defaultChild as CfnElement,
          )
        ];
      expect(alarm.Properties).toMatchObject({
        Threshold: 5 * 1024 ** 3,
        ComparisonOperator: 'GreaterThanThreshold',
        Metrics: [
          {
            Id: 'expr_1',
            Expression: `SELECT SUM("${metric}") FROM SCHEMA("AWS/KinesisVideo", StreamName)`,
            Period: 3600,
            ReturnData: true,
          },
        ],
      });
    },
  );

  it('fires the composite bytes alarm when any of the three byte alarms is in ALARM', () => {
    const rule = render(
      Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm'))[0]!.Properties.AlarmRule,
    );
    const ids = Object.values(usage.alarms.outgoingBytesByMetric).map((a) =>
      Stack.of(usage).getLogicalId(a.node.defaultChild as CfnElement),
    );
    expect(rule).toBe(`(${ids.map((id) => `ALARM("\${${id}.Arn}")`).join(' OR ')})`);
  });

  const alarmOf = (key: 'brokerErrors' | 'authorizerErrors') =>
    template.toJSON().Resources[
      Stack.of(usage).getLogicalId(usage.alarms[key].node.defaultChild as CfnElement)
    ];

  it("alarms on the errors of every function that serves routes, summed (the route table's functions)", () => {
    const metrics = alarmOf('brokerErrors').Properties.Metrics as Record<string, unknown>[];
    expect(metrics.find((m) => m.ReturnData !== false)).toMatchObject({
      Expression: 'broker + archive + clip + webrtc',
    });
    const summed = metrics.filter((m) => m.MetricStat !== undefined);
    expect(summed.map((m) => m.Id)).toEqual(['broker', 'archive', 'clip', 'webrtc']);
    for (const m of summed) {
      expect(m.MetricStat).toMatchObject({
        Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors' },
        Stat: 'Sum',
      });
    }
    expect(alarmOf('brokerErrors').Properties.Threshold).toBe(1);
  });

  it('alarms on authorizer Lambda errors', () => {
    const alarm = alarmOf('authorizerErrors');
    expect(alarm.Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Threshold: 1,
    });
  });

  it('alarms on API 5XX', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      Threshold: 5,
    });
  });

  it('alarms on sessions denied as THROTTLED, with a query that tolerates the Powertools service dimension', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 10,
      Metrics: [
        Match.objectLike({
          Expression: "SELECT SUM(SessionsDenied) FROM KvsSessionBroker WHERE ErrorCode = 'THROTTLED'",
          Period: 300,
          ReturnData: true,
        }),
      ],
    });
  });
});

describe('validation', () => {
  it.each([
    [
      'a zero bytes threshold',
      { outgoingBytesThreshold: 0 },
      /outgoingBytesThreshold: must be a positive number, got 0/,
    ],
    [
      'a 6-hour bytes period',
      { outgoingBytesPeriod: Duration.hours(6) },
      /outgoingBytesPeriod: must be whole minutes from 1 to 180, got 21600 s/,
    ],
    [
      'a 90-second period',
      { period: Duration.seconds(90) },
      /period: must be whole minutes from 1 to 1440, got 90 s/,
    ],
    [
      'a negative image price',
      { pricePer1000Images: -1 },
      /pricePer1000Images: must be a positive number, got -1/,
    ],
  ])('refuses %s', (_name, props, message) => {
    const stack = newStack('Invalid');
    // Validation runs before the broker is used: a stand-in with a config is enough.
    const broker = { config: testConfig() } as unknown as KvsSessionBroker;
    expect(() => new KvsUsageDashboard(stack, 'Usage', { broker, ...props })).toThrow(message);
  });
});
