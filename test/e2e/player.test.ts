// The player page in a real browser (Chromium through playwright-core) against the whole local stack: a dev token
// minted by the page, streams listed, then DASH and HLS (fMP4 and MPEG-TS) sessions played from the emulated KVS
// until the video has played real seconds, and the API's errors shown as `CODE: message`.
// Needs Chromium at /usr/bin/chromium (or KVS_BROKER_CHROMIUM); KVS_BROKER_SKIP_BROWSER=1 skips it explicitly.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startLocalBroker, type LocalBroker } from '../../local/app';
import { generateDevKey } from '../../local/dev-issuer';
import { createPlayerRoutes, type PlayerRoutes } from '../../local/player/routes';
import { captureOutput, type Captured } from '../support/local-broker';
import { launchChromium } from './chromium';

const SKIP = process.env.KVS_BROKER_SKIP_BROWSER === '1';
/** Where to keep a screenshot of the page while it plays (for a human to look at). @default none */
const PLAYING_SCREENSHOT = process.env.KVS_BROKER_PLAYER_SCREENSHOT;
const PLAYED_SECONDS = 2;
const PLAY_TIMEOUT_MS = 20_000;

let captured: Captured;
let broker: LocalBroker;
let browser: Browser;
let context: BrowserContext | undefined;
let page: Page;
let screenshots: string;
/** What the browser reported since the current test began: console errors, uncaught errors, failed requests. */
let problems: string[] = [];
/** The page's last requests (session tokens hidden), to tell where a stuck player stopped. */
let requests: string[] = [];
/** One line per session played, printed at the end. */
const results: string[] = [];

const describePlayback = (name: string, p: { from: number; to: number; played: number }) =>
  `${name}: played ${p.played.toFixed(2)} s, currentTime ${p.from.toFixed(2)} -> ${p.to.toFixed(2)}`;

const hideTokens = (text: string) => text.replace(/SessionToken=[^&\s"']+/g, 'SessionToken=…');

/** Runs a test step; on failure, adds a screenshot path and the browser's complaints to the error. */
async function step(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const path = join(screenshots, `${name.replace(/[^a-z0-9-]+/gi, '-')}.png`);
    // bounded: a page whose script hangs answers nothing
    const shot = await page
      ?.screenshot({ path, fullPage: true, timeout: 5000 })
      .then(() => path)
      .catch((e: unknown) => `(none: ${(e as Error).message.split('\n')[0]})`);
    const state = await Promise.race([
      pageSummary(),
      new Promise<string>((resolve) =>
        setTimeout(
          () => resolve('(the page does not answer: its script is stuck, e.g. in a player loop)'),
          3000,
        ),
      ),
    ]).catch(() => '(unavailable)');
    const detail = [
      `screenshot: ${shot}`,
      `page state: ${state}`,
      'browser problems:',
      ...(problems.length > 0 ? problems : ['(none)']).map((p) => `  ${p}`),
      'last requests:',
      ...requests.slice(-6).map((r) => `  ${r}`),
    ].join('\n');
    throw new Error(`${(error as Error).message}\n${detail}`, { cause: error });
  }
}

async function pageSummary(): Promise<string> {
  return page.evaluate(() =>
    JSON.stringify({
      state: document.body.dataset.state,
      error: document.getElementById('error')?.textContent,
      currentTime: document.getElementById('current-time')?.dataset.seconds,
      played: document.getElementById('played')?.dataset.seconds,
    }),
  );
}

const videoTime = () => page.evaluate(() => document.querySelector('video')!.currentTime);

async function chooseSession(options: { protocol: 'DASH' | 'HLS'; mode: string; container?: string }) {
  await page.check(`input[name="protocol"][value="${options.protocol}"]`);
  await page.check(`input[name="mode"][value="${options.mode}"]`);
  if (options.container) await page.selectOption('#container', options.container);
}

/** Clicks the page's "Mint dev token" and waits for the token and the stream list it opens. */
async function mintThroughPage(stream: string, mode: string): Promise<void> {
  await page.fill('#stream', stream);
  await page.check(`input[name="mode"][value="${mode}"]`);
  await page.click('#mint');
  const tokenShown = () => (document.getElementById('token') as HTMLTextAreaElement).value !== '';
  await page.waitForFunction(tokenShown, null, { timeout: 5000 });
  await page.waitForFunction(
    (name) => document.getElementById('streams-info')!.textContent!.includes(name),
    stream,
    { timeout: 5000 },
  );
}

/** Clicks Play and returns the session URL the API answered with (the page itself never shows it). */
async function clickPlay(): Promise<{ status: number; body: { url?: string; error?: { code: string } } }> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/sessions') && r.request().method() === 'POST', {
      timeout: 10_000,
    }),
    page.click('#play'),
  ]);
  return { status: response.status(), body: (await response.json()) as never };
}

/** Waits until the page says it has played PLAYED_SECONDS of media, and checks the video clock moved as much. */
async function expectPlayback(): Promise<{ from: number; to: number; played: number }> {
  await page.waitForSelector('body[data-state="playing"]', { timeout: PLAY_TIMEOUT_MS });
  const from = await videoTime();
  await page.waitForFunction(
    (seconds) => Number(document.getElementById('played')!.dataset.seconds) >= seconds,
    PLAYED_SECONDS,
    { timeout: PLAY_TIMEOUT_MS, polling: 200 },
  );
  const to = await videoTime();
  const played = Number(await page.getAttribute('#played', 'data-seconds'));
  expect(to - from).toBeGreaterThan(1.5);
  expect(await page.getAttribute('body', 'data-state')).toBe('playing');
  expect(await page.textContent('#current-time')).toMatch(/^\d+\.\d\d s$/);
  expect(await page.textContent('#resolution')).toBe('320×180');
  expect(await page.isHidden('#error')).toBe(true);
  return { from, to, played };
}

/** The page shows the API's answer, but not the session token in its URL. */
async function expectTokenHidden(url: string): Promise<void> {
  const token = new URL(url).searchParams.get('SessionToken');
  expect(token).toBeTruthy();
  const shown = await page.textContent('#response');
  expect(shown).toContain('SessionToken=…hidden…');
  expect(await page.content()).not.toContain(token);
}

/** A fresh browser context (no state shared between tests, and a hung page cannot stall the next test). */
async function openPlayer(): Promise<void> {
  problems = [];
  requests = [];
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${hideTokens(m.text())}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => {
    // players abort requests they no longer need; that is not a fault
    const reason = r.failure()?.errorText;
    if (reason !== 'net::ERR_ABORTED') problems.push(`request failed: ${hideTokens(r.url())} ${reason}`);
  });
  page.on('response', (r) => {
    requests.push(`${r.status()} ${r.request().method()} ${hideTokens(r.url())}`);
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${hideTokens(r.url())}`);
  });
  await page.goto(`${broker.url}/player`);
  await page.waitForSelector('body[data-ready="true"]');
}

const describeBrowser = SKIP ? describe.skip : describe;

describeBrowser('the player page in Chromium', () => {
  beforeAll(async () => {
    captured = captureOutput(); // the handlers' log lines
    screenshots = await mkdtemp(join(tmpdir(), 'kvs-player-'));
    let player: PlayerRoutes = async () => false;
    // the default media: real manifests and fragments from the committed fixture
    broker = await startLocalBroker({
      devKey: await generateDevKey(),
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
    if (screenshots) await rmdir(screenshots).catch(() => undefined); // kept when it holds failure screenshots
    if (results.length > 0)
      process.stdout.write(`player sessions:\n${results.map((r) => `  ${r}\n`).join('')}`);
  });

  it('opens, mints a dev token for cam-1 and lists the streams it opens', async () => {
    await step('mint', async () => {
      await openPlayer();
      expect(await page.getAttribute('body', 'data-dev-tokens')).toBe('on');
      await mintThroughPage('cam-1', 'LIVE');
      expect(await page.textContent('#streams-info')).toBe('This token opens 1 stream: cam-1');
      const options = await page.$$eval('#streams option', (els) =>
        els.map((o) => (o as HTMLOptionElement).value),
      );
      expect(options).toEqual(['cam-1']);
      expect(problems).toEqual([]);
    });
  });

  it.each([
    { name: 'DASH LIVE', protocol: 'DASH', mode: 'LIVE' },
    { name: 'HLS LIVE fMP4', protocol: 'HLS', mode: 'LIVE', container: 'FRAGMENTED_MP4' },
    { name: 'HLS LIVE MPEG-TS', protocol: 'HLS', mode: 'LIVE', container: 'MPEG_TS' },
    { name: 'DASH ON_DEMAND', protocol: 'DASH', mode: 'ON_DEMAND' },
  ] as const)(
    'plays $name with a token minted by the page: the video clock advances',
    async (session) => {
      await step(session.name, async () => {
        await openPlayer();
        await mintThroughPage('cam-1', session.mode);
        await chooseSession(session);
        const { status, body } = await clickPlay();
        expect(status).toBe(200);
        await expectTokenHidden(body.url!);
        const played = await expectPlayback();
        // on demand starts at the window's start; live at the stream head
        if (session.mode === 'ON_DEMAND') expect(played.from).toBeLessThan(60);
        if (PLAYING_SCREENSHOT && session.name === 'DASH LIVE') {
          await page.screenshot({ path: PLAYING_SCREENSHOT, fullPage: true });
        }
        expect(problems).toEqual([]);
        results.push(describePlayback(session.name, played));
      });
    },
    60_000,
  );

  it('shows FORBIDDEN for a stream the token does not grant, and no session', async () => {
    await step('forbidden', async () => {
      await openPlayer();
      await mintThroughPage('cam-1', 'LIVE');
      await page.fill('#stream', 'cam-lobby');
      const { status, body } = await clickPlay();
      expect(status).toBe(403);
      expect(body.error?.code).toBe('FORBIDDEN');
      await page.waitForSelector('body[data-state="error"]');
      expect(await page.textContent('#error')).toMatch(/^FORBIDDEN: \S/);
      expect(await page.textContent('#response')).toBe('No session.');
    });
  });

  it('shows UNAUTHORIZED for a token that is not a JWT', async () => {
    await step('unauthorized', async () => {
      await openPlayer();
      await page.fill('#token', 'not-a-jwt');
      const { status } = await clickPlay();
      expect(status).toBe(401);
      await page.waitForSelector('body[data-state="error"]');
      expect(await page.textContent('#error')).toMatch(/^UNAUTHORIZED: \S/);
    });
  });
});
