// The player page's WebRTC mode in a real browser (Chromium through playwright-core) against the whole local stack:
// a dev token with a WEBRTC grant minted by the page, POST /v1/streams/cam-1/webrtc through the typed client, the
// KVS WebRTC JS SDK's SignalingClient opening the emulated channel with the broker's signed URL, and Chromium
// decoding the emulated master's H.264. A signed URL with one signature character changed, or used after its
// X-Amz-Expires (the emulator's clock moved past it), is refused by the signaling endpoint with 403 as KVS refuses
// it (local/emulator/connect-check.ts), and the page says so as `CODE: message`.
// Needs Chromium at /usr/bin/chromium (or KVS_BROKER_CHROMIUM); KVS_BROKER_SKIP_BROWSER=1 skips it explicitly.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { startLocalBroker, type LocalBroker } from '../../local/app';
import { generateDevKey } from '../../local/dev-issuer';
import { createPlayerRoutes, type PlayerRoutes } from '../../local/player/routes';
import { captureOutput, type Captured } from '../support/local-broker';
import { launchChromium } from './chromium';
import { installViewerProbe, viewerFigures, waitForDecodedFrames } from './webrtc-page';

const SKIP = process.env.KVS_BROKER_SKIP_BROWSER === '1';
const CONNECT_TIMEOUT_MS = 20_000;
const WEBRTC_ROUTE = /\/v1\/streams\/[^/]+\/webrtc$/;

let captured: Captured;
let broker: LocalBroker;
let browser: Browser;
let context: BrowserContext | undefined;
let page: Page;
/** The emulator's clock runs this far ahead of the wall clock (the broker's stays on it). */
let emulatorAheadMs = 0;
/** The browser's console errors and uncaught errors since the current test began. */
let problems: string[] = [];
/** Signatures the broker handed out: none may reach the page's text or the handlers' output. */
const signatures: string[] = [];

const hideSignatures = (text: string) => text.replace(/X-Amz-Signature=[0-9a-f]+/g, 'X-Amz-Signature=…');

async function openPlayer(): Promise<void> {
  problems = [];
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${hideSignatures(m.text())}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  await installViewerProbe(page);
  await page.goto(`${broker.url}/player`);
  await page.waitForSelector('body[data-ready="true"]');
}

/** Mints a dev token through the page's button for the protocol chosen (WebRTC: a WEBRTC grant). */
async function mintThroughPage(protocol: 'WEBRTC' | 'DASH'): Promise<void> {
  await page.fill('#stream', 'cam-1');
  await page.check(`input[name="protocol"][value="${protocol}"]`);
  await page.click('#mint');
  await page.waitForFunction(() => document.getElementById('token-info')!.textContent!.includes('cam-1'));
}

/** Answers the page's POST /webrtc with the broker's own answer, its signed URL passed through `change`. */
async function alterAnswer(change: (answer: { signalingUrl: string; expiresInSeconds: number }) => void) {
  await page.route(WEBRTC_ROUTE, async (route: Route) => {
    const response = await route.fetch();
    const answer = (await response.json()) as { signalingUrl: string; expiresInSeconds: number };
    signatures.push(new URL(answer.signalingUrl).searchParams.get('X-Amz-Signature')!);
    change(answer);
    await route.fulfill({ response, json: answer });
  });
}

async function clickPlay(): Promise<{
  status: number;
  body: { signalingUrl?: string; error?: { code: string } };
}> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => WEBRTC_ROUTE.test(r.url()) && r.request().method() === 'POST'),
    page.click('#play'),
  ]);
  return { status: response.status(), body: (await response.json()) as never };
}

/** The page shows the refusal, and Chromium saw the signaling endpoint answer the WebSocket upgrade with 403. */
async function expectRefused(): Promise<void> {
  await page.waitForSelector('body[data-state="error"]', { timeout: CONNECT_TIMEOUT_MS });
  expect(await page.textContent('#error')).toMatch(/^SIGNALING_ERROR: \S/);
  expect(problems.some((p) => p.includes('Unexpected response code: 403'))).toBe(true);
  expect((await viewerFigures(page)).framesPresented).toBe(0);
}

const describeBrowser = SKIP ? describe.skip : describe;

describeBrowser('the player page in WebRTC mode, in Chromium', () => {
  beforeAll(async () => {
    captured = captureOutput(); // the handlers' log lines
    let player: PlayerRoutes = async () => false;
    // the built-in local config: a signaling channel per stream, each with an emulated master
    broker = await startLocalBroker({
      devKey: await generateDevKey(),
      emulatorNow: () => Date.now() + emulatorAheadMs,
      extraRoutes: (req, res, url) => player(req, res, url),
    });
    player = createPlayerRoutes({ devIssuer: broker.devIssuer });
    browser = await launchChromium();
  }, 60_000);

  afterEach(async () => {
    emulatorAheadMs = 0;
    await context?.close().catch(() => undefined);
    context = undefined;
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await broker?.close();
    const output = captured?.lines.join('') ?? '';
    captured?.restore();
    // Never logged: the signed URL's signature (docs: nothing logged carries a signed URL).
    for (const signature of signatures) expect(output).not.toContain(signature);
  });

  it("connects with the broker's signed URL and Chromium decodes the master's H.264 frames", async () => {
    await openPlayer();
    await mintThroughPage('WEBRTC');
    const { status, body } = await clickPlay();
    expect(status).toBe(200);
    const signature = new URL(body.signalingUrl!).searchParams.get('X-Amz-Signature')!;
    signatures.push(signature);
    await page.waitForSelector('body[data-state="playing"]', { timeout: CONNECT_TIMEOUT_MS });
    await page.waitForFunction(
      () =>
        (document.querySelector('video') as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames > 0,
      null,
      { timeout: CONNECT_TIMEOUT_MS, polling: 100 },
    );
    await waitForDecodedFrames(page, 1, CONNECT_TIMEOUT_MS);
    const figures = await viewerFigures(page);
    expect(figures.framesPresented).toBeGreaterThan(0);
    expect(figures.firstFrameMs).toBeGreaterThan(0);
    // the page's stats are redrawn four times a second
    await page.waitForFunction(() => document.getElementById('resolution')!.textContent === '320×180');
    expect(await page.isHidden('#error')).toBe(true);
    // The answer is shown without its signed query; the signature is nowhere in the page.
    expect(await page.textContent('#response')).toContain('"signalingUrl": "ws://');
    expect(await page.content()).not.toContain(signature);
    expect(problems).toEqual([]);
  }, 60_000);

  it('refuses a signed URL with one signature character changed (403 at the signaling endpoint)', async () => {
    await openPlayer();
    await mintThroughPage('WEBRTC');
    await alterAnswer((answer) => {
      const url = new URL(answer.signalingUrl);
      const signature = url.searchParams.get('X-Amz-Signature')!;
      url.searchParams.set('X-Amz-Signature', `${signature[0] === '0' ? '1' : '0'}${signature.slice(1)}`);
      answer.signalingUrl = url.href;
    });
    expect((await clickPlay()).status).toBe(200);
    await expectRefused();
  }, 60_000);

  it('refuses the signed URL once past its X-Amz-Expires (the emulated KVS clock moved on)', async () => {
    await openPlayer();
    await mintThroughPage('WEBRTC');
    await alterAnswer((answer) => {
      emulatorAheadMs = (answer.expiresInSeconds + 1) * 1000;
    });
    expect((await clickPlay()).status).toBe(200);
    await expectRefused();
  }, 60_000);

  it('shows FORBIDDEN for a token without a WEBRTC grant, and connects nothing', async () => {
    await openPlayer();
    await mintThroughPage('DASH');
    await page.check('input[name="protocol"][value="WEBRTC"]');
    const { status, body } = await clickPlay();
    expect(status).toBe(403);
    expect(body.error?.code).toBe('FORBIDDEN');
    await page.waitForSelector('body[data-state="error"]');
    expect(await page.textContent('#error')).toMatch(/^FORBIDDEN: \S/);
  }, 60_000);
});
