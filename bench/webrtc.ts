// WebRTC beside HLS, both played by the player page in Chromium against the whole local stack (bench/README.md):
//   time to first frame: the Play click to the first frame the <video> presents (requestVideoFrameCallback), which
//     covers the broker's answer, signaling and ICE (WebRTC) or the playlist and first fragment (HLS);
//   WebRTC: the receiver's mean jitter-buffer delay (getStats inbound-rtp jitterBufferDelay / jitterBufferEmittedCount)
//     and each frame's receive-to-display delay (requestVideoFrameCallback receiveTime -> expectedDisplayTime);
//   HLS (fMP4, LIVE, displayFragmentTimestamp ALWAYS): how far behind the wall clock the picture is (Date.now() minus
//     hls.js playingDate, from EXT-X-PROGRAM-DATE-TIME; the emulated timeline is the wall clock) and hls.js's latency.
// Each round plays WebRTC then HLS (then the other way round) in fresh browser contexts for PLAY_SECONDS. Medians.
// Run: sh scripts/node24.sh npx tsx bench/webrtc.ts   (ROUNDS, default 5). Writes bench/results/webrtc.{md,json}.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { startLocalBroker, type LocalBroker } from '../local/app';
import { generateDevKey } from '../local/dev-issuer';
import { createPlayerRoutes, type PlayerRoutes } from '../local/player/routes';
import { launchChromium } from '../test/e2e/chromium';
import { installViewerProbe, viewerFigures, waitForDecodedFrames } from '../test/e2e/webrtc-page';
import { median, quantile, round } from './stats';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const PLAY_SECONDS = 6;
const RESULTS = new URL('./results/', import.meta.url);

interface Round {
  firstFrameMs: number;
  /** WebRTC: mean jitter-buffer delay; HLS: behind the wall clock (both ms, at the end of the round). */
  delayMs: number;
  /** WebRTC: median receive-to-display; HLS: hls.js latency (ms). */
  otherMs: number;
}

/** Keeps the page's hls.js instance (the page loads its UMD build as window.Hls). */
function captureHls(): void {
  let Hls: (new (config?: object) => object) | undefined;
  Object.defineProperty(globalThis, 'Hls', {
    configurable: true,
    get: () => Hls,
    set: (Original: new (config?: object) => object) => {
      Hls = class extends Original {
        constructor(config?: object) {
          super(config);
          (globalThis as unknown as { __hls: object }).__hls = this;
        }
      };
    },
  });
}

async function openPage(browser: Browser, broker: LocalBroker, protocol: 'WEBRTC' | 'HLS'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await installViewerProbe(page);
  if (protocol === 'HLS') await page.addInitScript(captureHls);
  // KVS lists EXT-X-PROGRAM-DATE-TIME only when asked: the page's form does not, so the bench adds it.
  await page.route(/\/v1\/streams\/[^/]+\/sessions$/, (route) =>
    route.continue({
      postData: JSON.stringify({ ...route.request().postDataJSON(), displayFragmentTimestamp: 'ALWAYS' }),
    }),
  );
  await page.goto(`${broker.url}/player`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.fill('#stream', 'cam-1');
  await page.check(`input[name="protocol"][value="${protocol}"]`);
  await page.click('#mint');
  await page.waitForFunction(() => document.getElementById('token-info')!.textContent!.includes('cam-1'));
  return page;
}

/** The page's state badge, its error line and its peer connections' states: why a round saw no frames. */
function pageState(page: Page): Promise<string> {
  return page.evaluate(() => {
    const { peers } = (globalThis as unknown as { __viewerProbe: { peers: RTCPeerConnection[] } })
      .__viewerProbe;
    const error = document.getElementById('error')!.textContent;
    return `${document.body.dataset.state}: ${error} (peers ${peers.map((p) => p.connectionState).join(', ')})`;
  });
}

async function webrtcRound(browser: Browser, broker: LocalBroker): Promise<Round> {
  const page = await openPage(browser, broker, 'WEBRTC');
  try {
    await page.click('#play');
    await waitForDecodedFrames(page, 1, 20_000);
    await page.waitForTimeout(PLAY_SECONDS * 1000);
    const f = await viewerFigures(page);
    if (f.firstFrameMs === undefined || f.jitterBufferEmittedCount === 0)
      throw new Error(`no WebRTC frames: ${JSON.stringify(f)} ${await pageState(page)}`);
    return {
      firstFrameMs: f.firstFrameMs,
      delayMs: (f.jitterBufferDelay / f.jitterBufferEmittedCount) * 1000,
      otherMs: median(f.receiveToDisplayMs),
    };
  } finally {
    await page.context().close();
  }
}

async function hlsRound(browser: Browser, broker: LocalBroker): Promise<Round> {
  const page = await openPage(browser, broker, 'HLS');
  try {
    await page.click('#play');
    await page.waitForSelector('body[data-state="playing"]', { timeout: 30_000 });
    await page.waitForTimeout(PLAY_SECONDS * 1000);
    const f = await viewerFigures(page);
    const hls = await page.evaluate(() => {
      const h = (globalThis as unknown as { __hls?: { playingDate: Date | null; latency: number } }).__hls;
      return {
        behindMs: h?.playingDate ? Date.now() - h.playingDate.getTime() : NaN,
        latency: h?.latency ?? NaN,
      };
    });
    if (f.firstFrameMs === undefined || Number.isNaN(hls.behindMs)) throw new Error('no HLS frames or date');
    return { firstFrameMs: f.firstFrameMs, delayMs: hls.behindMs, otherMs: hls.latency * 1000 };
  } finally {
    await page.context().close();
  }
}

const summary = (xs: number[]) => `${round(median(xs), 0)} ms (p90 ${round(quantile(xs, 0.9), 0)})`;

async function main(): Promise<void> {
  // The handlers' audit lines and metrics go to stdout, as in Lambda: kept off the table's way
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  let player: PlayerRoutes = async () => false;
  const broker = await startLocalBroker({
    devKey: await generateDevKey(),
    extraRoutes: (req, res, url) => player(req, res, url),
  });
  player = createPlayerRoutes({ devIssuer: broker.devIssuer });
  const browser = await launchChromium();
  const load = [loadavg()[0]!];
  const webrtc: Round[] = [];
  const hls: Round[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? (['webrtc', 'hls'] as const) : (['hls', 'webrtc'] as const);
      for (const side of order) {
        if (side === 'webrtc') webrtc.push(await webrtcRound(browser, broker));
        else hls.push(await hlsRound(browser, broker));
      }
      console.error(`round ${r + 1}/${ROUNDS}`);
    }
  } finally {
    await browser.close();
    await broker.close();
    process.stdout.write = write;
  }
  load.push(loadavg()[0]!);
  const pick = (rounds: Round[], k: keyof Round) => rounds.map((x) => x[k]);
  const rows = [
    [
      'WebRTC time to first frame (Play click -> first frame presented)',
      summary(pick(webrtc, 'firstFrameMs')),
    ],
    ['HLS time to first frame (the same)', summary(pick(hls, 'firstFrameMs'))],
    ['WebRTC jitter-buffer delay, mean per frame', summary(pick(webrtc, 'delayMs'))],
    ['WebRTC receive -> display, median per frame', summary(pick(webrtc, 'otherMs'))],
    ['HLS behind the wall clock (Date.now() - playingDate)', summary(pick(hls, 'delayMs'))],
    ["HLS behind the playlist's live edge (hls.js latency)", summary(pick(hls, 'otherMs'))],
  ];
  const header =
    `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ` +
    `Chromium (headless), ${ROUNDS} rounds, ${PLAY_SECONDS} s each, load average ${load.map((l) => l.toFixed(1)).join(' -> ')}`;
  const table = [
    header,
    '',
    '| figure | median (p90) over rounds |',
    '| --- | ---: |',
    ...rows.map(([name, value]) => `| ${name} | ${value} |`),
  ].join('\n');
  console.log(table);
  writeFileSync(new URL('webrtc.md', RESULTS), `${table}\n`);
  writeFileSync(new URL('webrtc.json', RESULTS), `${JSON.stringify({ header, webrtc, hls }, null, 2)}\n`);
}

await main();
