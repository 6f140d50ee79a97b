// The player page's archive panel and live grid in a real browser (Chromium through playwright-core) against the
// whole local stack: the timeline bar of a motion-triggered stream (recording 40 s of each minute) with its gaps
// drawn, a thumbnail on hover, a click that plays ON_DEMAND from the clicked instant, a clip downloaded from a
// selected range that plays in the browser, and a grid of live streams from one POST /v1/sessions, renewed together
// (the page's timers on Playwright's clock, moved by the test).
// Needs Chromium at /usr/bin/chromium (or KVS_BROKER_CHROMIUM); KVS_BROKER_SKIP_BROWSER=1 skips it explicitly.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFile, MP4BoxBuffer } from 'mp4box';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startLocalBroker, type LocalBroker } from '../../local/app';
import { generateDevKey } from '../../local/dev-issuer';
import { createPlayerRoutes, type PlayerRoutes } from '../../local/player/routes';
import { captureOutput, type Captured } from '../support/local-broker';
import { launchChromium } from './chromium';

const SKIP = process.env.KVS_BROKER_SKIP_BROWSER === '1';
const WAIT_MS = 20_000;

let captured: Captured;
let broker: LocalBroker;
let browser: Browser;
let context: BrowserContext | undefined;
let page: Page;
let downloads: string;
/** What the browser complained about since the current test began. */
let problems: string[] = [];

interface Span {
  startMs: number;
  endMs: number;
  box: { x: number; y: number; width: number; height: number };
}

async function openPlayer(): Promise<void> {
  problems = [];
  context = await browser.newContext({ viewport: { width: 1280, height: 1400 }, acceptDownloads: true });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text().replace(/SessionToken=[^&\s"']+/g, '…')}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  await page.goto(`${broker.url}/player`);
  await page.waitForSelector('body[data-ready="true"]');
}

/** The page's own "Mint dev token" for the stream with mode ON_DEMAND (an archive grant), then the timeline. */
async function showTimeline(stream: string): Promise<{ media: Span[]; gaps: Span[] }> {
  await page.fill('#stream', stream);
  await page.check('input[name="mode"][value="ON_DEMAND"]');
  await page.click('#mint');
  await page.waitForFunction(() => (document.getElementById('token') as HTMLTextAreaElement).value !== '');
  await page.click('#timeline-load');
  await page.waitForSelector('#timeline-bar .timeline-media', { timeout: WAIT_MS });
  const spans = async (selector: string): Promise<Span[]> =>
    Promise.all(
      (await page.$$(selector)).map(async (handle) => ({
        startMs: Date.parse((await handle.getAttribute('data-start'))!),
        endMs: Date.parse((await handle.getAttribute('data-end'))!),
        box: (await handle.boundingBox())!,
      })),
    );
  return {
    media: await spans('#timeline-bar .timeline-media'),
    gaps: await spans('#timeline-bar .timeline-gap'),
  };
}

/** The x of an instant on the bar, from the range the bar says it draws. */
async function xOf(atMs: number): Promise<{ x: number; y: number }> {
  const bar = (await (await page.$('#timeline-bar'))!.boundingBox())!;
  const fromMs = Number(await page.getAttribute('#timeline-bar', 'data-from-ms'));
  const toMs = Number(await page.getAttribute('#timeline-bar', 'data-to-ms'));
  return { x: bar.x + ((atMs - fromMs) / (toMs - fromMs)) * bar.width, y: bar.y + bar.height / 2 };
}

/** A recorded piece the range holds whole (40 s), not one cut by the range's ends. */
const whole = (media: Span[]) => media.find((s) => s.endMs - s.startMs === 40_000)!;

function mp4Seconds(bytes: Uint8Array): number {
  const file = createFile();
  let seconds = -1;
  file.onReady = (info) => (seconds = info.duration / info.timescale);
  file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes.slice().buffer, 0));
  file.flush();
  return seconds;
}

const describeBrowser = SKIP ? describe.skip : describe;

describeBrowser('the player page archive panel and grid in Chromium', () => {
  beforeAll(async () => {
    captured = captureOutput();
    downloads = await mkdtemp(join(tmpdir(), 'kvs-archive-player-'));
    let player: PlayerRoutes = async () => false;
    broker = await startLocalBroker({
      devKey: await generateDevKey(),
      // the default config: its cam-motion records 40 s of each minute
      extraRoutes: (req, res, url) => player(req, res, url),
    });
    player = createPlayerRoutes({ devIssuer: broker.devIssuer });
    browser = await launchChromium();
  }, 60_000);

  afterEach(async () => {
    await context?.close().catch(() => undefined);
    context = undefined;
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await broker?.close();
    captured?.restore();
    if (downloads) await rm(downloads, { recursive: true, force: true });
  });

  it('draws the recording gaps of a motion-triggered stream: 20 s from second 40 of each minute', async () => {
    await openPlayer();
    const { media, gaps } = await showTimeline('cam-motion');
    // gaps the range holds whole: 5 minutes hold at least 3
    const inner = gaps.filter((g) => g.endMs - g.startMs === 20_000);
    expect(inner.length).toBeGreaterThanOrEqual(3);
    for (const gap of inner) {
      expect(new Date(gap.startMs).getUTCSeconds()).toBe(40);
      expect(gap.box.width).toBeGreaterThan(10); // drawn, visibly: ~1/15 of the bar
    }
    expect(media.length).toBeGreaterThanOrEqual(4);
    expect(await page.textContent('#timeline-info')).toMatch(/^cam-motion: \d+ recorded pieces, \d+ gaps/);
    expect(problems).toEqual([]);
  });

  it('shows a thumbnail of the hovered second, and "No media" over a gap', async () => {
    await openPlayer();
    const { media, gaps } = await showTimeline('cam-motion');
    const piece = whole(media);
    const over = await xOf(piece.startMs + 20_000);
    await page.mouse.move(over.x, over.y);
    await page.waitForSelector('#timeline-thumb[data-state="image"]', { timeout: WAIT_MS });
    const thumb = await page.$eval('#timeline-thumb img', (img) => ({
      width: (img as HTMLImageElement).naturalWidth,
      src: (img as HTMLImageElement).src.slice(0, 23),
    }));
    expect(thumb).toEqual({ width: 160, src: 'data:image/jpeg;base64,' });
    const shownAt = Date.parse((await page.getAttribute('#timeline-thumb', 'data-timestamp'))!);
    expect(shownAt).toBeGreaterThanOrEqual(piece.startMs);
    expect(shownAt).toBeLessThan(piece.endMs);

    // over a gap the bar already drew: "no media", and no GetImages call (KVS bills each image)
    const asked: string[] = [];
    page.on('request', (r) => r.url().includes('/images?') && asked.push(r.url()));
    const gap = gaps.find((g) => g.endMs - g.startMs === 20_000)!;
    const inGap = await xOf(gap.startMs + 10_000);
    await page.mouse.move(inGap.x, inGap.y);
    await page.waitForSelector('#timeline-thumb[data-state="none"]', { timeout: WAIT_MS });
    expect(await page.textContent('#timeline-thumb figcaption')).toMatch(
      /No media \(a gap of the timeline\)$/,
    );
    expect(asked).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('plays ON_DEMAND from the clicked instant: the session starts there and the playhead moves on from it', async () => {
    await openPlayer();
    const piece = whole((await showTimeline('cam-motion')).media);
    const target = piece.startMs + 5_000;
    const at = await xOf(target);
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/sessions') && r.method() === 'POST'),
      page.mouse.click(at.x, at.y),
    ]);
    const body = request.postDataJSON() as { playbackMode: string; startTimestamp: string };
    expect(body.playbackMode).toBe('ON_DEMAND');
    const startMs = Date.parse(body.startTimestamp);
    expect(Math.abs(startMs - target)).toBeLessThanOrEqual(1000); // a pixel is 0.25 s; the form keeps seconds
    await page.waitForSelector('body[data-state="playing"]', { timeout: WAIT_MS });
    await page.waitForFunction(() => Number(document.getElementById('played')!.dataset.seconds) >= 2, null, {
      timeout: WAIT_MS,
      polling: 200,
    });
    await page.waitForFunction(
      (from) => Number(document.getElementById('timeline-playhead')?.dataset.mediaMs) >= from + 1500,
      startMs,
      { timeout: WAIT_MS, polling: 200 },
    );
    expect(await page.isHidden('#error')).toBe(true);
    expect(problems).toEqual([]);
  });

  it('downloads the clip of a dragged range as an MP4 file that plays in the browser', async () => {
    await openPlayer();
    const piece = whole((await showTimeline('cam-motion')).media);
    const from = await xOf(piece.startMs + 2_000);
    const to = await xOf(piece.startMs + 14_000);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 5 });
    await page.mouse.up();
    await page.waitForSelector('#clip-download:not([disabled])');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#clip-download')]);
    expect(download.suggestedFilename()).toMatch(/^cam-motion_\d{8}T\d{6}Z\.mp4$/);
    const path = join(downloads, download.suggestedFilename());
    await download.saveAs(path);
    const seconds = mp4Seconds(await readFile(path));
    expect(seconds).toBeGreaterThanOrEqual(10);
    expect(seconds).toBeLessThanOrEqual(14);

    await page.waitForSelector('#clip-preview:not([hidden])');
    await page.$eval('#clip-preview', (v) => (v as HTMLVideoElement).play());
    await page.waitForFunction(
      () => (document.getElementById('clip-preview') as HTMLVideoElement).currentTime >= 1.5,
      null,
      { timeout: WAIT_MS, polling: 200 },
    );
    const played = await page.$eval('#clip-preview', (v) => ({
      width: (v as HTMLVideoElement).videoWidth,
      error: (v as HTMLVideoElement).error,
    }));
    expect(played).toEqual({ width: 320, error: null });
    expect(problems).toEqual([]);
  });

  it('plays a grid of 4 live streams from one POST /v1/sessions, a refused entry shown in its own tile', async () => {
    await openPlayer();
    const token = await broker.devIssuer!.mint({ sub: 'grid', grants: [{ stream: '*', modes: ['LIVE'] }] });
    await page.fill('#token', token);
    await page.fill('#grid-streams', 'cam-1, cam-lobby, site7-door, site7-yard, cam-nowhere');
    const grids: number[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('/v1/sessions') && r.request().method() === 'POST') grids.push(r.status());
    });
    await page.click('#grid-play');
    await page.waitForFunction(
      () => document.querySelectorAll('.grid-tile[data-advanced="true"]').length === 4,
      null,
      { timeout: 40_000, polling: 250 },
    );
    const tiles = await page.$$eval('.grid-tile', (els) =>
      els.map((e) => [(e as HTMLElement).dataset.stream, (e as HTMLElement).dataset.code ?? 'played']),
    );
    expect(tiles).toEqual([
      ['cam-1', 'played'],
      ['cam-lobby', 'played'],
      ['site7-door', 'played'],
      ['site7-yard', 'played'],
      ['cam-nowhere', 'NOT_FOUND'],
    ]);
    expect(grids).toEqual([200]);
    expect(problems).toEqual([]);
  }, 60_000);

  it('renews the grid in one POST /v1/sessions a minute before its sessions expire, the tiles playing on', async () => {
    await openPlayer();
    // the page's timers on a clock the test moves: 300 s sessions come up for renewal after 240 s
    await page.clock.install();
    const token = await broker.devIssuer!.mint({
      sub: 'grid',
      grants: [{ stream: 'cam-*', modes: ['LIVE'] }],
    });
    await page.fill('#token', token);
    await page.fill('#grid-streams', 'cam-1, cam-lobby');
    const grids: number[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('/v1/sessions') && r.request().method() === 'POST') grids.push(r.status());
    });
    await page.click('#grid-play');
    await page.waitForSelector('.grid-tile[data-state="playing"]', { timeout: WAIT_MS });
    await page.clock.fastForward(240_000);
    await page.waitForFunction(
      () => document.querySelectorAll('.grid-tile[data-renewals="1"]').length === 2,
      null,
      { timeout: WAIT_MS, polling: 250 },
    );
    expect(grids).toEqual([200, 200]);
    // and each video's clock moves on after the swap
    const after = await page.$$eval('.grid-tile video', (vs) =>
      vs.map((v) => (v as HTMLVideoElement).currentTime),
    );
    await page.waitForFunction(
      (times) =>
        Array.from(document.querySelectorAll<HTMLVideoElement>('.grid-tile video')).every(
          (v, i) => v.currentTime >= times[i]! + 1,
        ),
      after,
      { timeout: WAIT_MS, polling: 250 },
    );
    expect(await page.$$('.grid-tile[data-state="error"]')).toHaveLength(0);
  }, 60_000);
});
