// The /usage page in a real browser (Debian's Chromium): the uPlot chart draws every stream that has bytes, a stream
// whose bytes fall in one minute included, minutes without bytes are zeros (not skipped), and each stream has one
// colour in the chart and in the bars. Bytes are recorded on the emulator's meters at chosen minutes.
// Needs Chromium at /usr/bin/chromium (or KVS_BROKER_CHROMIUM); KVS_BROKER_SKIP_BROWSER=1 skips it explicitly.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { startLocalBroker, type LocalBroker } from '../../local/app';
import type { ChartData } from '../../local/usage/chart-data';
import { captureOutput, type Captured } from '../support/local-broker';
import { launchChromium } from './chromium';

const SKIP = process.env.KVS_BROKER_SKIP_BROWSER === '1';
const T0 = Date.parse('2026-12-02T10:00:00Z');
const MB = 1024 * 1024;

let captured: Captured;
let broker: LocalBroker;
let browser: Browser;
let page: Page;
const clock = { now: T0 };
const problems: string[] = [];

/** Bytes on a stream in the minute `minute` after T0. */
function served(stream: string, minute: number, bytes: number): void {
  clock.now = T0 + minute * 60_000 + 5_000;
  broker.emulator.recordOutgoingBytes(stream, bytes, 'GetMP4MediaFragment.OutgoingBytes');
}

const describeBrowser = SKIP ? describe.skip : describe;

describeBrowser('the /usage chart in a browser', () => {
  let data: ChartData;

  beforeAll(async () => {
    captured = captureOutput();
    broker = await startLocalBroker({ emulatorNow: () => clock.now });
    // A busy stream for five minutes, a burst 16 minutes later on the same stream, a small stream in one minute only,
    // and a stream of a few kilobytes: each must be drawn.
    for (let m = 0; m < 5; m++) served('cam-1', m, 50 * MB);
    served('cam-1', 21, 30 * MB);
    served('site7-door', 10, 3 * MB);
    served('cam-2', 30, 20 * 1024);
    clock.now = T0 + 40 * 60_000;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(`${broker.url}/usage?minutes=45`);
    await page.waitForSelector('#bytes-chart[data-drawn]', { timeout: 20_000 });
    data = JSON.parse((await page.textContent('#usage-data'))!) as ChartData;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await broker?.close();
    captured?.restore();
  });

  it('loads without a console error (uPlot and the chart script under the page CSP)', () => {
    expect(problems).toEqual([]);
  });

  it('fills every minute of the window, zeros included', () => {
    expect(data.minutes.length).toBe(46);
    const cam1 = data.streams.find((s) => s.stream === 'cam-1')!.bytes;
    expect(cam1.filter((b) => b > 0)).toHaveLength(6);
    expect(cam1.filter((b) => b === 0)).toHaveLength(40);
  });

  it('draws each stream with bytes above the zero line, the one-minute and the kilobyte streams included', async () => {
    expect(data.streams.map((s) => s.stream)).toEqual(['cam-1', 'cam-2', 'site7-door']);
    const above = await page.evaluate(
      (colors: string[]) => {
        const canvas = document.querySelector('#bytes-chart canvas') as HTMLCanvasElement;
        const { width, height } = canvas;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
        const rgb = colors.map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)));
        const near = (i: number, [r, g, b]: number[]) =>
          Math.abs(pixels[i]! - r!) + Math.abs(pixels[i + 1]! - g!) + Math.abs(pixels[i + 2]! - b!) < 40;
        const rows: number[][] = rgb.map(() => []);
        for (let y = 0; y < height; y++)
          for (let x = 0; x < width; x++) {
            const i = (y * width + x) * 4;
            rgb.forEach((c, k) => near(i, c) && rows[k]!.push(y));
          }
        // The zero line is the lowest row any stream colours; count each colour's pixels well above it.
        const baseline = Math.max(...rows.flat());
        return rows.map((ys) => ys.filter((y) => y < baseline - 8).length);
      },
      data.streams.map((s) => s.color),
    );
    data.streams.forEach((s, i) =>
      expect({ stream: s.stream, pixels: above[i]! > 20 }).toEqual({ stream: s.stream, pixels: true }),
    );
  });

  it('gives each stream one colour, in the chart, its legend and the bars', async () => {
    expect(new Set(data.streams.map((s) => s.color)).size).toBe(3);
    for (const s of data.streams) {
      const bar = await page.getAttribute(
        `svg[aria-label="bytes per stream"] rect[data-label="${s.stream}"]`,
        'fill',
      );
      expect(bar).toBe(s.color);
    }
    const legend = await page.$$eval('#bytes-chart .u-legend .u-series .u-label', (els) =>
      els.map((e) => e.textContent),
    );
    expect(legend).toEqual(expect.arrayContaining(['cam-1', 'cam-2', 'site7-door']));
  });

  it('shows bytes in KB, MB or GB and costs with their currency', async () => {
    const text = (await page.textContent('svg[aria-label="bytes per stream"]'))!;
    expect(text).toContain('280 MB, USD ');
    expect(text).toContain('20 KB, USD ');
    expect(text).toContain('3 MB, USD ');
    expect(text).not.toMatch(/\d{5,} bytes/);
  });
});
