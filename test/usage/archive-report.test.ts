// The usage report's archive part against local mode, after real archive requests through the typed client: the
// clip bytes it prints are the GetClip.OutgoingBytes the emulator metered (the bytes the client wrote), and the
// images are the ones each principal's GetImages answers held, read back from the `kvs-archive` audit lines.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createBrokerClient } from '../../client';
import { startLocalBroker, type LocalBroker } from '../../local/app';
import { generateDevKey } from '../../local/dev-issuer';
import { imagesCost } from '../../usage/archive-usage';
import { formatReport, type Report } from '../../usage/format';
import { parseOptions, type ReportOptions, usageReport } from '../../usage/report';
import { captureOutput, devIssuerConfig, type Captured } from '../support/local-broker';

let broker: LocalBroker;
let captured: Captured;
let report: Report;
let aliceImages: number;
let bobClipBytes: number;

const PRICE_PER_1000_IMAGES = 2; // the test's own price: KVS's is the operator's to give for their region

beforeAll(async () => {
  captured = captureOutput();
  broker = await startLocalBroker({
    devKey: await generateDevKey(),
    config: (baseUrl: string) => ({
      issuers: [devIssuerConfig(baseUrl)],
      local: {
        streams: [{ name: 'cam-1' }, { name: 'cam-motion', recording: { everySeconds: 60, forSeconds: 40 } }],
        enforceQuotas: false,
      },
    }),
  });
  const startMs = Date.now();
  const client = async (sub: string) =>
    createBrokerClient({
      baseUrl: broker.url,
      viewerId: false,
      token: await broker.devIssuer!.mint({ sub, grants: [{ stream: 'cam-*', modes: ['ON_DEMAND'] }] }),
    });
  const now = Math.floor(Date.now() / 1000) * 1000;
  const page = await (
    await client('alice')
  ).images('cam-motion', {
    from: new Date(now - 120_000),
    to: new Date(now - 60_000),
    intervalMs: 2000,
    maxResults: 31,
  });
  aliceImages = page.images.filter((i) => 'data' in i).length;
  const clip = await (await client('bob')).clip('cam-1', { from: new Date(now - 30_000), to: new Date(now) });
  bobClipBytes = 0;
  for await (const chunk of clip.chunks()) bobClipBytes += chunk.byteLength;
  report = await usageReport(
    parseOptions(
      [
        ...['--endpoint', broker.url, '--since', new Date(startMs - 120_000).toISOString()],
        ...['--price-per-1000-images', String(PRICE_PER_1000_IMAGES)],
      ],
      Date.now() + 60_000,
    ) as ReportOptions,
  );
});

afterAll(async () => {
  captured.restore();
  await broker.close();
});

describe('the usage report counts the archive', () => {
  it("counts GetClip.OutgoingBytes per stream: the bytes of bob's clip, as the emulator metered them", () => {
    expect(bobClipBytes).toBeGreaterThan(10_000);
    const metered = broker.emulator.stats().outgoingBytesByMetric['cam-1']?.['GetClip.OutgoingBytes'];
    expect(metered).toBe(bobClipBytes);
    expect(report.archive?.clipBytesByStream).toEqual({ 'cam-1': bobClipBytes });
    // and in the stream's bytes, as KVS bills it: data consumed
    expect(report.streams.find((s) => s.stream === 'cam-1')?.bytes).toBe(bobClipBytes);
  });

  it("counts the images of alice's GetImages answer, per principal and stream, priced per 1,000", () => {
    expect(aliceImages).toBeGreaterThan(10); // 40 s of each minute recorded, one image every 2 s
    expect(aliceImages).toBeLessThan(31); // and the gaps left none
    expect(report.archive?.imagesByStream).toEqual({ 'cam-motion': aliceImages });
    expect(report.archive?.images).toEqual([
      {
        issuer: 'kvs-session-broker-dev',
        tenant: 'kvs-session-broker-dev',
        sub: 'alice',
        stream: 'cam-motion',
        requests: 1,
        images: aliceImages,
      },
    ]);
    expect(report.archive?.pricePer1000Images).toBe(PRICE_PER_1000_IMAGES);
  });

  it('prints them as a table, and their costs in JSON', () => {
    const text = formatReport(report, 'table');
    expect(text).toContain(
      'Archive: clips (GetClip.OutgoingBytes, in the bytes above) and images returned (2 per 1,000)',
    );
    expect(text).toMatch(new RegExp(`^cam-1 +${bobClipBytes} +\\S+ +0 +\\S+$`, 'm'));
    expect(text).toMatch(new RegExp(`^cam-motion +0 +\\S+ +${aliceImages} +\\S+$`, 'm'));
    expect(text).toMatch(/^kvs-session-broker-dev alice +kvs-session-broker-dev +cam-motion +1 /m);
    const json = JSON.parse(formatReport(report, 'json')) as {
      archive: { images: { cost: number }[]; clipCostByStream: Record<string, number> };
    };
    expect(json.archive.images[0]!.cost).toBeCloseTo(imagesCost(aliceImages, PRICE_PER_1000_IMAGES)!, 10);
    expect(json.archive.clipCostByStream['cam-1']).toBeCloseTo((bobClipBytes / 2 ** 30) * 0.0085, 12);
  });

  it('leaves images unpriced without --price-per-1000-images, and refuses a price that is not a number >= 0', () => {
    const text = formatReport(
      { ...report, archive: { ...report.archive!, pricePer1000Images: undefined } },
      'table',
    );
    expect(text).toContain('images returned (unpriced: --price-per-1000-images)');
    expect(text).toMatch(/not priced$/m);
    for (const bad of ['-1', 'x', ''])
      expect(() => parseOptions(['--log-group', 'g', `--price-per-1000-images=${bad}`], Date.now())).toThrow(
        '--price-per-1000-images: a number >= 0',
      );
  });
});
