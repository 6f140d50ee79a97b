// A session URL from the broker plays like a KVS one: real manifests and fragments, the session token checked on
// every request, media bytes metered per stream (README (Local mode, Observability and audit)). The broker and the emulator share one
// test clock, so session expiry is exact.
import { describe, expect, it } from '@jest/globals';
import { brokerPerTest, type BrokerFixture } from '../support/broker-fixture';
import { devIssuerConfig } from '../support/local-broker';

const fixture = brokerPerTest({
  config: (baseUrl) => ({
    issuers: [devIssuerConfig(baseUrl)],
    local: { streams: [{ name: 'cam-1' }, { name: 'cam-2' }], enforceQuotas: false },
  }),
});

async function sessionUrl(f: BrokerFixture, stream: string, body: unknown): Promise<string> {
  const token = await f.mint([{ stream: 'cam-*', modes: ['LIVE', 'ON_DEMAND'] }], { sub: 'viewer' });
  const res = await f.post(stream, token, body);
  expect(res.status).toBe(200);
  return res.json.url as string;
}

/** The URLs a manifest or playlist points to, resolved against it. */
function linksIn(text: string, base: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((m) => new URL(m[1]!.replaceAll('&amp;', '&'), base).toString());
}

describe('DASH', () => {
  it('serves a live MPD whose init and media fragments are real fMP4, and meters only media bytes', async () => {
    const f = fixture();
    const url = await sessionUrl(f, 'cam-1', {});
    const mpd = await fetch(url);
    expect(mpd.status).toBe(200);
    expect(mpd.headers.get('content-type')).toBe('application/dash+xml');
    const text = await mpd.text();
    expect(text).toContain('type="dynamic"');
    const init = text.match(/initialization="([^"]+)"/)![1]!.replaceAll('&amp;', '&');
    const media = text.match(/media="([^"]+)"/)![1]!.replaceAll('&amp;', '&');
    const initBytes = new Uint8Array(await (await fetch(new URL(init, url))).arrayBuffer());
    expect(Buffer.from(initBytes.subarray(4, 8)).toString('latin1')).toBe('ftyp');
    // Manifest and init fragment carry no OutgoingBytes metric (README (Observability and audit)).
    expect(f.broker.emulator.stats().outgoingBytes['cam-1'] ?? 0).toBe(0);
    const startNumber = Number(text.match(/startNumber="(\d+)"/)?.[1]);
    const fragment = await fetch(new URL(media.replace('$Number$', String(startNumber)), url));
    expect(fragment.status).toBe(200);
    const bytes = new Uint8Array(await fragment.arrayBuffer());
    expect(Buffer.from(bytes.subarray(4, 8)).toString('latin1')).toBe('moof');
    expect(f.broker.emulator.stats().outgoingBytes).toEqual({ 'cam-1': bytes.byteLength });
  });
});

describe('HLS', () => {
  it.each([
    ['FRAGMENTED_MP4', /getMP4MediaFragment\.mp4/, 'video/mp4'],
    ['MPEG_TS', /getTSFragment\.ts/, 'video/mp2t'],
  ])(
    'serves master -> media playlist -> %s fragments for an ON_DEMAND range',
    async (containerFormat, fragmentPath, contentType) => {
      const f = fixture();
      const url = await sessionUrl(f, 'cam-2', {
        protocol: 'HLS',
        containerFormat,
        playbackMode: 'ON_DEMAND',
        startTimestamp: f.clock.iso(-60_000),
        endTimestamp: f.clock.iso(-50_000),
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
      expect(res.headers.get('content-type')).toBe(contentType);
    },
  );
});

describe('the session token', () => {
  it('is refused when tampered with, like KVS (403)', async () => {
    const f = fixture();
    const url = new URL(await sessionUrl(f, 'cam-1', {}));
    const t = url.searchParams.get('SessionToken')!;
    url.searchParams.set('SessionToken', `${t.slice(0, -2)}${t.endsWith('AA') ? 'BB' : 'AA'}`);
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toMatch(/^NotAuthorizedException/);
  });

  it('plays until its expiry (300 s by default), then is refused like KVS (403)', async () => {
    const f = fixture();
    const url = await sessionUrl(f, 'cam-1', {});
    expect((await fetch(url)).status).toBe(200);
    f.clock.advance(299_000);
    expect((await fetch(url)).status).toBe(200);
    f.clock.advance(2_000);
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ message: 'Streaming session token is expired' });
  });
});
