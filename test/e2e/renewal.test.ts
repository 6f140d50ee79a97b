// The player page keeps playing across a session renewal (DASH and HLS, LIVE): the renewal is forced with the
// page's "Renew now" (the same call the client's schedule makes 60 s before expiry), the new SessionToken is
// swapped into the running player's requests, and the video clock keeps advancing with no stall over a second.
// Also the THROTTLED path: the local gateway's stage throttle answers 429 with Retry-After, the client waits at
// least that long and the page plays once the retry is admitted.
// Needs Chromium at /usr/bin/chromium (or KVS_BROKER_CHROMIUM); KVS_BROKER_SKIP_BROWSER=1 skips it explicitly.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { defaultLocalConfig, startLocalBroker, type LocalBroker } from '../../local/app';
import { generateDevKey } from '../../local/dev-issuer';
import { createPlayerRoutes, type PlayerRoutes } from '../../local/player/routes';
import { captureOutput, type Captured } from '../support/local-broker';
import { launchChromium } from './chromium';

const SKIP = process.env.KVS_BROKER_SKIP_BROWSER === '1';
const TIMEOUT_MS = 20_000;
/** What "no long stall" means across the switch: the issue's "a second or so". */
const MAX_STALL_MS = 1000;

let captured: Captured;
let browser: Browser;
let context: BrowserContext | undefined;
let page: Page;
/** Media and API requests the page made, in order, with when Node saw them and the SessionToken they carried. */
let requests: { at: number; method: string; path: string; token: string | null }[] = [];
let responses: { at: number; status: number; path: string; retryAfter: string | null }[] = [];
let problems: string[] = [];
const results: string[] = [];

/** A local stack with the player page; `now` moves the gateway's and broker's clock (not the emulator's). */
async function startStack(options: { config?: (base: string) => unknown; now?: () => number } = {}) {
  let player: PlayerRoutes = async () => false;
  const broker = await startLocalBroker({
    devKey: await generateDevKey(),
    extraRoutes: (req, res, url) => player(req, res, url),
    ...(options.config ? { config: options.config } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  player = createPlayerRoutes({ devIssuer: broker.devIssuer });
  return broker;
}

async function openPlayer(broker: LocalBroker): Promise<void> {
  requests = [];
  responses = [];
  problems = [];
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('request', (r) => {
    const url = new URL(r.url());
    requests.push({
      at: Date.now(),
      method: r.method(),
      path: url.pathname,
      token: url.searchParams.get('SessionToken'),
    });
  });
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    responses.push({
      at: Date.now(),
      status: r.status(),
      path,
      retryAfter: r.headers()['retry-after'] ?? null,
    });
    if (r.status() >= 400 && r.status() !== 429) problems.push(`HTTP ${r.status()} ${path}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on(
    'console',
    (m) =>
      m.type() === 'error' &&
      !m.text().includes('status of 429') &&
      problems.push(`console: ${m.text().replace(/SessionToken=[^&\s]+/g, '…')}`),
  );
  await page.goto(`${broker.url}/player`);
  await page.waitForSelector('body[data-ready="true"]');
}

async function mintAndChoose(protocol: 'DASH' | 'HLS'): Promise<void> {
  await page.fill('#stream', 'cam-1');
  await page.check('input[name="mode"][value="LIVE"]');
  await page.check(`input[name="protocol"][value="${protocol}"]`);
  await page.click('#mint');
  await page.waitForFunction(() => document.getElementById('streams-info')!.textContent!.includes('cam-1'));
}

/** Clicks `selector` and returns the SessionToken of the session the API answered with. */
async function sessionFrom(selector: string): Promise<string> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/sessions') && r.status() === 200, { timeout: TIMEOUT_MS }),
    page.click(selector),
  ]);
  const { url } = (await response.json()) as { url: string };
  return new URL(url).searchParams.get('SessionToken')!;
}

const played = async () => Number(await page.getAttribute('#played', 'data-seconds'));

async function playUntil(seconds: number): Promise<void> {
  await page.waitForFunction(
    (s) => Number(document.getElementById('played')!.dataset.seconds) >= s,
    seconds,
    { timeout: TIMEOUT_MS, polling: 100 },
  );
}

const isMedia = (path: string) => path.startsWith('/dash/v1/') || path.startsWith('/hls/v1/');

const describeBrowser = SKIP ? describe.skip : describe;

describeBrowser('the player page across a renewal and a throttle, in Chromium', () => {
  beforeAll(async () => {
    captured = captureOutput();
    browser = await launchChromium();
  }, 60_000);

  afterEach(async () => {
    await context?.close().catch(() => undefined);
    context = undefined;
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    captured?.restore();
    if (results.length > 0)
      process.stdout.write(`player renewals:\n${results.map((r) => `  ${r}\n`).join('')}`);
  });

  it.each([
    { name: 'DASH LIVE', protocol: 'DASH', container: undefined },
    { name: 'HLS LIVE fMP4', protocol: 'HLS', container: 'FRAGMENTED_MP4' },
    { name: 'HLS LIVE MPEG-TS', protocol: 'HLS', container: 'MPEG_TS' },
  ] as const)(
    '$name keeps playing across a forced renewal: new token on every later request, no stall over 1 s',
    async ({ name, protocol, container }) => {
      const broker = await startStack();
      try {
        await openPlayer(broker);
        await mintAndChoose(protocol);
        if (container) await page.selectOption('#container', container);
        const firstToken = await sessionFrom('#play');
        await page.waitForSelector('body[data-state="playing"]', { timeout: TIMEOUT_MS });
        await playUntil(2);

        const renewedToken = await sessionFrom('#renew');
        expect(renewedToken).not.toBe(firstToken);
        await page.waitForSelector('#renewals[data-count="1"]');
        const switchedAt = Date.now();
        const before = {
          played: await played(),
          time: await page.evaluate(() => document.querySelector('video')!.currentTime),
        };
        await playUntil(before.played + 3);
        const after = await page.evaluate(() => document.querySelector('video')!.currentTime);

        expect(after - before.time).toBeGreaterThan(2.5);
        expect(await page.textContent('#renewals')).toMatch(/^1 \(last swapped\), next in \d+:\d\d$/);
        const stallMs = Number(await page.getAttribute('#stall', 'data-ms'));
        expect(stallMs).toBeLessThan(MAX_STALL_MS);
        expect(await page.getAttribute('body', 'data-state')).toBe('playing');
        // the player went on with the renewed session: every media request Node saw after the switch (plus a
        // grace for requests already on their way) carries the new token, and there were some. DASH switches at
        // the first manifest fetched with it: KVS numbers DASH segments per session, so each segment URL keeps the
        // token of the manifest that listed it (client/dash.ts).
        const switchAt =
          protocol === 'DASH'
            ? (requests.find((r) => r.path.endsWith('/getDASHManifest.mpd') && r.token === renewedToken)
                ?.at ?? Infinity)
            : switchedAt;
        const later = requests.filter((r) => isMedia(r.path) && r.at > switchAt + 500);
        expect(later.length).toBeGreaterThan(1);
        expect(later.filter((r) => r.token !== renewedToken)).toEqual([]);
        expect(problems).toEqual([]);
        results.push(
          `${name}: ${later.length} media requests on the renewed session, longest stall ${stallMs} ms, ` +
            `currentTime ${before.time.toFixed(2)} -> ${after.toFixed(2)}`,
        );
      } finally {
        await context?.close().catch(() => undefined);
        await broker.close();
      }
    },
    60_000,
  );

  it('retries a THROTTLED session request after Retry-After, then plays', async () => {
    // One request a stage burst, refilled at 1 per 1000 s of the gateway's clock, which the test moves.
    const clock = { offset: 0 };
    const broker = await startStack({
      now: () => Date.now() + clock.offset,
      config: (base) => ({
        ...(defaultLocalConfig(base) as object),
        api: { throttlingRateLimit: 0.001, throttlingBurstLimit: 1 },
      }),
    });
    try {
      await openPlayer(broker);
      await mintAndChoose('DASH'); // its stream listing spends the burst
      await page.click('#play');
      await page.waitForSelector('body[data-state="retrying"]', { timeout: TIMEOUT_MS });
      expect(await page.textContent('#status')).toMatch(/^throttled: retrying in 1\.\d s$/);
      expect(await page.textContent('#notice')).toMatch(/^THROTTLED: .+: retrying in 1\.\d s$/);
      clock.offset += 2_000_000; // the stage refills
      await page.waitForSelector('body[data-state="playing"]', { timeout: TIMEOUT_MS });
      await playUntil(1);

      const sessionCalls = responses.filter((r) => r.path.endsWith('/sessions'));
      expect(sessionCalls.map((r) => [r.status, r.retryAfter])).toEqual([
        [429, '1'],
        [200, null],
      ]);
      const retried = requests.filter((r) => r.path.endsWith('/sessions')).map((r) => r.at);
      expect(retried).toHaveLength(2);
      // Retry-After: 1 honoured (Node sees both events with a few ms of jitter of its own)
      expect(retried[1]! - sessionCalls[0]!.at).toBeGreaterThanOrEqual(950);
      expect(await page.isHidden('#notice')).toBe(true);
      expect(problems).toEqual([]);
      results.push(`THROTTLED: retried ${retried[1]! - sessionCalls[0]!.at} ms after the 429, then played`);
    } finally {
      await context?.close().catch(() => undefined);
      await broker.close();
    }
  }, 60_000);
});
