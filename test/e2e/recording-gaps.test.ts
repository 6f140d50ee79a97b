// Real players in Chromium (hls.js and dash.js, as the packages ship them) against the KVS emulator's media for a
// motion-triggered camera (`recording`: media only 2 s of every 4 s): ON_DEMAND plays to its end across the gaps,
// every listed fragment fetched once and none in a gap; LIVE plays on across gaps as the stream records.
// Needs Chromium at /usr/bin/chromium (or KVS_BROKER_CHROMIUM); KVS_BROKER_SKIP_BROWSER=1 skips it explicitly.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  GetDASHStreamingSessionURLCommand,
  GetHLSStreamingSessionURLCommand,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { isRecording, startKvsEmulator, type KvsEmulator, type MediaHook } from '../../local/emulator/index';
import { emulatorMedia } from '../../local/media/emulator-hook';
import { loadFixture } from '../../local/media/fixture';
import { describeInitSegment, describeMediaFragment } from '../../local/media/isobmff';
import { clientsFor } from '../local/emulator/support';
import { launchChromium } from './chromium';

const SKIP = process.env.KVS_BROKER_SKIP_BROWSER === '1';
const require = createRequire(import.meta.url);
const fixture = loadFixture();
const D = fixture.fragmentDurationMs;
const TICKS_PER_FRAGMENT = BigInt((D * fixture.video.timescale) / 1000);
const RECORDING = { everySeconds: 4, forSeconds: 2 };
const PERIOD_MS = RECORDING.everySeconds * 1000;
const PLAY_TIMEOUT_MS = 30_000;

let emu: KvsEmulator;
let media: ReturnType<typeof clientsFor>['media'];
let pages: Server;
let pageUrl: string;
let browser: Browser;
let context: BrowserContext | undefined;
let page: Page;
/** Media fragments the player fetched, by the fragment their decode time names, and any answer that was not 200. */
let fetched: number[] = [];
let refused: string[] = [];

const PAGE = '<!doctype html><html><body><video muted playsinline></video></body></html>';
const SCRIPTS: Record<string, string> = {
  '/hls.js': require.resolve('hls.js/dist/hls.min.js'),
  '/dash.js': require.resolve('dashjs'),
};

beforeAll(async () => {
  const hook: { serve?: MediaHook } = {};
  emu = await startKvsEmulator({
    streams: [{ name: 'cam-motion', recording: RECORDING }],
    enforceQuotas: false,
    media: (req, res, session, path) => hook.serve!(req, res, session, path),
  });
  hook.serve = emulatorMedia()(emu);
  ({ media } = clientsFor(emu));
  // the page and the players come from an origin of their own; media requests go to the emulator, as to KVS
  pages = createServer((req, res) => {
    const script = SCRIPTS[req.url ?? ''];
    res.writeHead(200, { 'Content-Type': script ? 'text/javascript' : 'text/html' });
    res.end(script ? readFileSync(script) : PAGE);
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  pageUrl = `http://127.0.0.1:${(pages.address() as AddressInfo).port}/`;
  if (!SKIP) browser = await launchChromium();
}, 60_000);

afterEach(async () => {
  await context?.close().catch(() => undefined);
  context = undefined;
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await new Promise((resolve) => pages?.close(resolve));
  await emu?.close();
});

const init = describeInitSegment(fixture.init);
/** The fragment a media fragment's bytes are: tfdt = n x fragment duration. */
const fragmentOf = (body: Uint8Array) =>
  Number(describeMediaFragment(body, init).tracks[0]!.baseMediaDecodeTime / TICKS_PER_FRAGMENT);
const recorded = (n: number) => isRecording(RECORDING, n * D);

async function openPage(): Promise<void> {
  fetched = [];
  refused = [];
  context = await browser.newContext();
  page = await context.newPage();
  page.on('response', (response) => {
    if (!response.url().includes('MediaFragment')) return;
    if (response.status() !== 200) refused.push(`${response.status()} ${response.url().split('?')[0]}`);
    else void response.body().then((body) => fetched.push(fragmentOf(body)));
  });
  await page.goto(pageUrl);
}

/**
 * Starts a player on the page's video and keeps what a test reads in `window.playback`: whether it played, its
 * 'waiting' events after it began, whether it ended, and the players' errors.
 */
async function play(player: 'hls' | 'dash', url: string): Promise<void> {
  await page.addScriptTag({ url: `/${player}.js` });
  await page.evaluate(
    ({ player, url, fragmentMs }) => {
      const video = document.querySelector('video')!;
      const state = {
        playing: false,
        waiting: 0,
        ended: false,
        errors: [] as string[],
        played: [] as number[],
      };
      const played = (n: number) => state.played.at(-1) !== n && state.played.push(n);
      (window as unknown as { playback: typeof state }).playback = state;
      video.addEventListener('playing', () => (state.playing = true));
      video.addEventListener('waiting', () => state.playing && state.waiting++);
      video.addEventListener('ended', () => (state.ended = true));
      const g = window as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      if (player === 'hls') {
        const hls = new g.Hls();
        hls.on(g.Hls.Events.ERROR, (_: unknown, data: { fatal: boolean; details: string }) => {
          if (data.fatal) state.errors.push(`hls.js ${data.details}`);
        });
        // the fragment playing now (hls.js's timeline closes the gaps, so currentTime does not name it)
        hls.on(g.Hls.Events.FRAG_CHANGED, (_: unknown, data: { frag: { url: string } }) =>
          played(Number(new URL(data.frag.url).searchParams.get('FragmentNumber'))),
        );
        hls.loadSource(url);
        hls.attachMedia(video);
        void video.play().catch(() => undefined);
      } else {
        const dash = g.dashjs.MediaPlayer().create();
        dash.on(g.dashjs.MediaPlayer.events.ERROR, (e: { error?: { message?: string } }) =>
          state.errors.push(`dash.js ${e.error?.message}`),
        );
        // autoplay: dash.js starts the video itself (a play() of ours before it attaches hides the start from it,
        // and it refreshes a dynamic MPD only once it has seen playback start)
        dash.initialize(video, url, true);
        // the fragment playing: a LIVE MPD's presentation time is epoch time (ON_DEMAND's starts at 0)
        video.addEventListener('timeupdate', () =>
          played(Math.floor((video.currentTime * 1000) / fragmentMs)),
        );
      }
    },
    { player, url, fragmentMs: D },
  );
}

const state = () =>
  page.evaluate(() => {
    const s = (window as unknown as { playback: Record<string, unknown> }).playback;
    return { ...s, currentTime: document.querySelector('video')!.currentTime } as {
      played: number[];
      playing: boolean;
      waiting: number;
      ended: boolean;
      errors: string[];
      currentTime: number;
    };
  });

/** An ON_DEMAND range of 12 s from a recording start a minute ago: fragments S, S+1, S+4, S+5, S+8, S+9. */
function onDemandRange(): { start: Date; end: Date; listed: number[] } {
  const startMs = Math.floor((Date.now() - 60_000) / PERIOD_MS) * PERIOD_MS;
  const first = startMs / D;
  const listed = [...Array(12).keys()].map((i) => first + i).filter(recorded);
  return { start: new Date(startMs), end: new Date(startMs + 11_000), listed };
}

/**
 * Plays `url` in a fresh page to its end: no player error, no refused request, and every listed (recorded)
 * fragment fetched. Returns the page's playback state.
 */
async function playToEnd(kind: 'hls' | 'dash', url: string, listed: number[]) {
  await openPage();
  await play(kind, url);
  await page.waitForFunction(
    () => (window as never as { playback: { ended: boolean } }).playback.ended,
    null,
    { timeout: PLAY_TIMEOUT_MS, polling: 250 },
  );
  const s = await state();
  expect(s.errors).toEqual([]);
  expect(refused).toEqual([]);
  expect([...new Set(fetched)].sort()).toEqual(listed);
  return s;
}

const describeBrowser = SKIP ? describe.skip : describe;

describeBrowser('players across recording gaps', () => {
  it.each(['ON_DISCONTINUITY', 'NEVER'] as const)(
    'hls.js plays an ON_DEMAND range across the gaps to its end (DiscontinuityMode %s), fetching each recorded fragment',
    async (mode) => {
      const { start, end, listed } = onDemandRange();
      const { HLSStreamingSessionURL: url } = await media.send(
        new GetHLSStreamingSessionURLCommand({
          StreamName: 'cam-motion',
          PlaybackMode: 'ON_DEMAND',
          DiscontinuityMode: mode,
          HLSFragmentSelector: {
            FragmentSelectorType: 'SERVER_TIMESTAMP',
            TimestampRange: { StartTimestamp: start, EndTimestamp: end },
          },
        }),
      );
      const s = await playToEnd('hls', url!, listed);
      // it played each of them, in order, to the end
      expect(s.played).toEqual(listed);
      expect(s.currentTime).toBeGreaterThan(5);
      process.stdout.write(`hls.js ${mode}: ${JSON.stringify(s)}\n`);
    },
    60_000,
  );

  it('dash.js plays an ON_DEMAND range across the gaps to its end, fetching each recorded fragment', async () => {
    const { start, end, listed } = onDemandRange();
    const { DASHStreamingSessionURL: url } = await media.send(
      new GetDASHStreamingSessionURLCommand({
        StreamName: 'cam-motion',
        PlaybackMode: 'ON_DEMAND',
        DASHFragmentSelector: {
          FragmentSelectorType: 'SERVER_TIMESTAMP',
          TimestampRange: { StartTimestamp: start, EndTimestamp: end },
        },
      }),
    );
    const s = await playToEnd('dash', url!, listed);
    // the MPD keeps the gaps in its timeline (a Period per run): the last fragment ends 10 s after the first began;
    // the player jumped each gap rather than sitting in it (presentation second 2, 3, 6 and 7 never played)
    expect(s.currentTime).toBeGreaterThan(9);
    expect(s.played).toEqual(expect.arrayContaining([0, 1, 4, 5, 8, 9]));
    expect(s.played.filter((second) => [2, 3, 6, 7].includes(second))).toEqual([]);
    process.stdout.write(`dash.js ON_DEMAND: ${JSON.stringify(s)}\n`);
  }, 60_000);

  it.each(['hls', 'dash'] as const)(
    '%s plays LIVE on a stream with gaps: it goes on past a gap to fragments recorded after it began',
    async (player) => {
      const command =
        player === 'hls'
          ? new GetHLSStreamingSessionURLCommand({ StreamName: 'cam-motion', PlaybackMode: 'LIVE' })
          : new GetDASHStreamingSessionURLCommand({ StreamName: 'cam-motion', PlaybackMode: 'LIVE' });
      const answer = (await media.send(command as never)) as unknown as Record<string, string>;
      const url = answer.HLSStreamingSessionURL ?? answer.DASHStreamingSessionURL!;
      const headAtStart = Math.floor(Date.now() / D) - 1;
      await openPage();
      await play(player, url);
      // a fragment recorded after the session began, that follows a gap: the stream went on and so did the player
      const firstAfterGap = [...Array(8).keys()]
        .map((i) => headAtStart + 1 + i)
        .find((n) => recorded(n) && !recorded(n - 1))!;
      await page.waitForFunction(
        (n) => (window as never as { playback: { played: number[] } }).playback.played.includes(n),
        firstAfterGap,
        { timeout: PLAY_TIMEOUT_MS, polling: 250 },
      );
      const s = await state();
      expect(s.errors).toEqual([]);
      expect(refused).toEqual([]);
      expect(fetched).toContain(firstAfterGap);
      expect(fetched.every(recorded)).toBe(true);
      // and it had played a fragment before that gap: it crossed it
      const before = s.played.filter((n) => n < firstAfterGap && recorded(n));
      expect(before.length).toBeGreaterThan(0);
      expect(s.playing).toBe(true);
      process.stdout.write(`${player} LIVE: ${JSON.stringify({ ...s, fetched, firstAfterGap })}\n`);
    },
    60_000,
  );
});
