// The usage report against local mode, after real sessions and real fragment fetches: the bytes it prints are the
// bytes the emulator served, shared between the principals by their session-seconds. The report's real SDK
// clients (CloudWatch awsJson1_0, CloudWatch Logs awsJson1_1) talk to local mode over HTTP.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, StartQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startLocalBroker, type LocalBroker } from '../../local/app';
import { generateDevKey } from '../../local/dev-issuer';
import { formatReport, type Report } from '../../usage/format';
import { formatBytes } from '../../lambda/core/usage-attribution';
import { LOCAL_LOG_GROUP, parseOptions, type ReportOptions, usageReport } from '../../usage/report';
import { captureOutput, devIssuerConfig, post, type Captured } from '../support/local-broker';

let broker: LocalBroker;
let captured: Captured;
let report: Report;
let startMs: number;

/** Opens a session and fetches `fragments` media fragments of it; the fragment bytes fetched. */
async function watchDash(token: string, stream: string, fragments: number, expiresInSeconds?: number) {
  const res = await post(broker, stream, token, expiresInSeconds ? { expiresInSeconds } : {});
  expect(res.status).toBe(200);
  const url = res.json.url as string;
  const mpd = await (await fetch(url)).text();
  const media = mpd.match(/media="([^"]+)"/)![1]!.replaceAll('&amp;', '&');
  const first = Number(mpd.match(/startNumber="(\d+)"/)![1]);
  let bytes = 0;
  for (let n = first; n < first + fragments; n++) {
    const fragment = await fetch(new URL(media.replace('$Number$', String(n)), url));
    expect(fragment.status).toBe(200);
    bytes += (await fragment.arrayBuffer()).byteLength;
  }
  return bytes;
}

async function watchHlsTs(token: string, stream: string, fragments: number) {
  const now = Date.now();
  const res = await post(broker, stream, token, {
    protocol: 'HLS',
    containerFormat: 'MPEG_TS',
    playbackMode: 'ON_DEMAND',
    startTimestamp: new Date(now - 60_000).toISOString(),
    endTimestamp: new Date(now - 40_000).toISOString(),
  });
  expect(res.status).toBe(200);
  const url = res.json.url as string;
  const master = await (await fetch(url)).text();
  const playlistUrl = new URL(master.match(/^(getHLSMediaPlaylist\S+)$/m)![1]!, url);
  const playlist = await (await fetch(playlistUrl)).text();
  const links = [...playlist.matchAll(/^(getTSFragment\.ts\?\S+)$/gm)].map(
    (m) => new URL(m[1]!, playlistUrl),
  );
  let bytes = 0;
  for (const link of links.slice(0, fragments)) bytes += (await (await fetch(link)).arrayBuffer()).byteLength;
  return bytes;
}

beforeAll(async () => {
  captured = captureOutput();
  broker = await startLocalBroker({
    devKey: await generateDevKey(),
    config: (baseUrl: string) => ({
      issuers: [devIssuerConfig(baseUrl)],
      local: { streams: [{ name: 'cam-1' }, { name: 'cam-2' }], enforceQuotas: false },
    }),
  });
  startMs = Date.now();
  const alice = await broker.devIssuer!.mint({ sub: 'alice', grants: [{ stream: 'cam-1' }] });
  const bob = await broker.devIssuer!.mint({
    sub: 'bob',
    grants: [{ stream: 'cam-*', modes: ['LIVE', 'ON_DEMAND'] }],
  });
  await watchDash(alice, 'cam-1', 2);
  await watchDash(bob, 'cam-1', 1, 900);
  expect(await watchHlsTs(bob, 'cam-2', 3)).toBeGreaterThan(0);
  report = await usageReport(
    parseOptions(
      ['--endpoint', broker.url, '--since', new Date(startMs - 120_000).toISOString(), '--format', 'json'],
      Date.now() + 60_000,
    ) as ReportOptions,
  );
});
afterAll(async () => {
  captured.restore();
  await broker.close();
});

describe('the usage report against local mode', () => {
  it("prints each stream's bytes as the emulator metered them, and its sessions", () => {
    const served = broker.emulator.stats().outgoingBytes;
    expect(served['cam-1']).toBeGreaterThan(0);
    expect(served['cam-2']).toBeGreaterThan(0);
    expect([...report.streams].sort((a, b) => a.stream.localeCompare(b.stream))).toEqual([
      {
        stream: 'cam-1',
        bytes: served['cam-1'],
        sessions: 2,
        sessionSeconds: 300 + 900,
        unattributedBytes: 0,
      },
      { stream: 'cam-2', bytes: served['cam-2'], sessions: 1, sessionSeconds: 300, unattributedBytes: 0 },
    ]);
  });

  it('shares cam-1 between alice (300 s) and bob (900 s) by session-seconds, and gives bob all of cam-2', () => {
    const served = broker.emulator.stats().outgoingBytes;
    const alice = report.principals.find((p) => p.sub === 'alice')!;
    const bob = report.principals.find((p) => p.sub === 'bob')!;
    expect(alice).toMatchObject({
      issuer: 'kvs-session-broker-dev',
      tenant: 'kvs-session-broker-dev',
      sessions: 1,
      sessionSeconds: 300,
    });
    expect(Math.abs(alice.bytes - served['cam-1']! / 4)).toBeLessThan(1);
    expect(alice.bytes + bob.bytesByStream['cam-1']!).toBe(served['cam-1']);
    expect(bob.bytesByStream['cam-2']).toBe(served['cam-2']);
    expect(bob.sessions).toBe(2);
    expect(report.tenants).toEqual([
      {
        tenant: 'kvs-session-broker-dev',
        principals: 2,
        sessions: 3,
        sessionSeconds: 300 + 900 + 300,
        bytes: served['cam-1']! + served['cam-2']!,
      },
    ]);
  });

  it('prints the streams, principals and tenants as a table and CSV, estimates labelled', () => {
    const served = broker.emulator.stats().outgoingBytes;
    const csv = formatReport(report, 'csv').split('\n');
    expect(csv[0]).toBe('section,stream,issuer,tenant,sub,sessions,sessionSeconds,bytes,estimated,cost');
    const cam2 = csv.find((line) => line.startsWith('stream,cam-2,'))!.split(',');
    expect(cam2.slice(0, 9)).toEqual([
      'stream',
      'cam-2',
      '',
      '',
      '',
      '1',
      '300',
      String(served['cam-2']),
      'no',
    ]);
    // 0.0085 USD per GB (2^30 bytes), printed to three significant digits.
    const expected = (served['cam-2']! / 1024 ** 3) * 0.0085;
    expect(Math.abs(Number(cam2[9]) - expected) / expected).toBeLessThan(0.01);
    const table = formatReport(report, 'table');
    expect(table).toMatch(/^principal \(issuer sub\)/m);
    expect(table).toContain('ESTIMATES');
  });
});

describe('local CloudWatch refuses what the report does not send', () => {
  const config = () => ({
    region: 'us-east-1',
    endpoint: broker.url,
    credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
  });

  it('a Metrics Insights query (GetMetricData)', async () => {
    const call = new CloudWatchClient(config()).send(
      new GetMetricDataCommand({
        MetricDataQueries: [
          { Id: 'q', Expression: 'SELECT SUM("GetClip.OutgoingBytes") FROM "AWS/KinesisVideo"', Period: 60 },
        ],
        StartTime: new Date(Date.now() - 3600_000),
        EndTime: new Date(),
      }),
    );
    await expect(call).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  });

  it('a query with a parse command (StartQuery)', async () => {
    const call = new CloudWatchLogsClient(config()).send(
      new StartQueryCommand({
        logGroupNames: [LOCAL_LOG_GROUP],
        startTime: 0,
        endTime: Math.floor(Date.now() / 1000),
        queryString: 'parse @message "* *" as a, b | stats count(*) as n by a',
      }),
    );
    await expect(call).rejects.toMatchObject({ name: 'MalformedQueryException' });
  });

  it('a log group it does not have', async () => {
    const call = new CloudWatchLogsClient(config()).send(
      new StartQueryCommand({
        logGroupNames: ['/aws/lambda/other'],
        startTime: 0,
        endTime: 1,
        queryString: 'filter a = "b" | stats count(*) as n by a',
      }),
    );
    await expect(call).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('/usage', () => {
  it("draws bytes per stream and each principal's sessions and share, from the same meters", async () => {
    const res = await fetch(`${broker.url}/usage?minutes=10`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    const served = broker.emulator.stats().outgoingBytes;
    // The chart's data (drawn by uPlot in the browser: test/e2e/usage-chart.test.ts) carries each stream's bytes.
    const chart = JSON.parse(
      /<script type="application\/json" id="usage-data">(.*?)<\/script>/.exec(html)![1]!,
    ) as {
      streams: { stream: string; bytes: number[] }[];
    };
    for (const stream of ['cam-1', 'cam-2']) {
      const bytes = chart.streams.find((s) => s.stream === stream)!.bytes.reduce((a, b) => a + b, 0);
      expect(bytes).toBe(served[stream]);
      expect(html).toContain(`>${formatBytes(served[stream]!)}, USD `);
    }
    expect(html).toContain('alice (kvs-session-broker-dev)');
    expect(html).toContain('>2 sessions</text>');
    // Scripts only from this server (the chart and uPlot), under a CSP that allows nothing else.
    expect([...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1])).toEqual(['/usage/chart.js']);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});
