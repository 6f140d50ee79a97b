// A session URL from the broker plays like a KVS one: real manifests and fragments, the session token checked on
// every request, media bytes metered per stream (DESIGN sections 5 and 6).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLocalBroker, type LocalBroker } from '../../local/app';
import { generateDevKey } from '../../local/dev-issuer';
import { captureOutput, devIssuerConfig, post, type Captured } from '../support/local-broker';

let broker: LocalBroker;
let captured: Captured;
let token: string;
let emulatorClockOffsetMs = 0;

beforeAll(async () => {
  captured = captureOutput();
  broker = await startLocalBroker({
    devKey: await generateDevKey(),
    emulatorNow: () => Date.now() + emulatorClockOffsetMs,
    config: (baseUrl: string) => ({
      issuers: [devIssuerConfig(baseUrl)],
      local: { streams: [{ name: 'cam-1' }, { name: 'cam-2' }], enforceQuotas: false },
    }),
  });
  token = await broker.devIssuer!.mint({
    sub: 'viewer',
    grants: [{ stream: 'cam-*', modes: ['LIVE', 'ON_DEMAND'] }],
  });
});
afterAll(async () => {
  captured.restore();
  await broker.close();
});

async function sessionUrl(stream: string, body: unknown): Promise<string> {
  const res = await post(broker, stream, token, body);
  expect(res.status).toBe(200);
  return res.json.url as string;
}

/** The URLs a manifest or playlist points to, resolved against it. */
function linksIn(text: string, base: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((m) => new URL(m[1]!.replaceAll('&amp;', '&'), base).toString());
}

describe('DASH', () => {
  it('serves a live MPD whose init and media fragments are real fMP4, and meters only media bytes', async () => {
    const url = await sessionUrl('cam-1', {});
    const mpd = await fetch(url);
    expect(mpd.status).toBe(200);
    expect(mpd.headers.get('content-type')).toBe('application/dash+xml');
    const text = await mpd.text();
    expect(text).toContain('type="dynamic"');
    const init = text.match(/initialization="([^"]+)"/)![1]!.replaceAll('&amp;', '&');
    const media = text.match(/media="([^"]+)"/)![1]!.replaceAll('&amp;', '&');
    const initRes = await fetch(new URL(init, url));
    const initBytes = new Uint8Array(await initRes.arrayBuffer());
    expect(Buffer.from(initBytes.subarray(4, 8)).toString('latin1')).toBe('ftyp');
    const before = broker.emulator.stats().outgoingBytes['cam-1'] ?? 0;
    expect(before).toBe(0);
    const startNumber = Number(text.match(/startNumber="(\d+)"/)?.[1]);
    const fragmentUrl = new URL(media.replace('$Number$', String(startNumber)), url);
    const fragment = await fetch(fragmentUrl);
    expect(fragment.status).toBe(200);
    const bytes = new Uint8Array(await fragment.arrayBuffer());
    expect(Buffer.from(bytes.subarray(4, 8)).toString('latin1')).toBe('moof');
    expect(broker.emulator.stats().outgoingBytes['cam-1']).toBe(bytes.byteLength);
  });
});

describe('HLS', () => {
  it.each([
    ['FRAGMENTED_MP4', /getMP4MediaFragment\.mp4/],
    ['MPEG_TS', /getTSFragment\.ts/],
  ])(
    'serves master -> media playlist -> %s fragments for an ON_DEMAND range',
    async (containerFormat, fragmentPath) => {
      const now = Date.now();
      const url = await sessionUrl('cam-2', {
        protocol: 'HLS',
        containerFormat,
        playbackMode: 'ON_DEMAND',
        startTimestamp: new Date(now - 60_000).toISOString(),
        endTimestamp: new Date(now - 50_000).toISOString(),
      });
      const master = await (await fetch(url)).text();
      expect(master).toMatch(/^#EXTM3U/);
      const [mediaPlaylistUrl] = linksIn(master, url, /^(getHLSMediaPlaylist[^\s]+)$/gm);
      const playlist = await (await fetch(mediaPlaylistUrl!)).text();
      expect(playlist).toContain('#EXT-X-ENDLIST');
      const fragments = linksIn(playlist, mediaPlaylistUrl!, /^(get\w+Fragment\.\w+\?[^\s]+)$/gm);
      expect(fragments.length).toBeGreaterThanOrEqual(10);
      expect(fragments[0]).toMatch(fragmentPath);
      const res = await fetch(fragments[0]!);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(
        containerFormat === 'MPEG_TS' ? 'video/mp2t' : 'video/mp4',
      );
    },
  );
});

describe('the session token', () => {
  it('is refused when tampered with, like KVS (403)', async () => {
    const url = new URL(await sessionUrl('cam-1', {}));
    const t = url.searchParams.get('SessionToken')!;
    url.searchParams.set('SessionToken', `${t.slice(0, -2)}${t.endsWith('AA') ? 'BB' : 'AA'}`);
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toMatch(/^NotAuthorizedException/);
  });

  it('is refused once expired, like KVS (403)', async () => {
    const url = await sessionUrl('cam-1', {});
    expect((await fetch(url)).status).toBe(200);
    emulatorClockOffsetMs = 301_000; // the default session lasts 300 s
    try {
      const res = await fetch(url);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ message: 'Streaming session token is expired' });
    } finally {
      emulatorClockOffsetMs = 0;
    }
  });
});
