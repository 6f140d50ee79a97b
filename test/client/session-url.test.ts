// Swapping a renewed session's token into a running player's requests, and the dash.js / hls.js adapters that do
// it (their real players run in test/e2e/renewal.test.ts).
import { describe, expect, it } from '@jest/globals';
import type { MediaPlayerClass } from 'dashjs';
import type Hls from 'hls.js';
import { createSessionUrl, followDashSessions, hlsSessionConfig, type DashPlayerLike } from '../../client';

const ENDPOINT = 'https://b-1234.kinesisvideo.eu-west-1.amazonaws.com';
const first = `${ENDPOINT}/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=OLD%2Btoken`;
const second = `${ENDPOINT}/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=NEW`;

describe('createSessionUrl', () => {
  it.each([
    {
      name: 'a fragment URL of the same endpoint gets the new token, other parameters kept',
      url: `${ENDPOINT}/hls/v1/getMP4MediaFragment.mp4?SessionToken=OLD%2Btoken&FragmentNumber=9&TrackNumber=1`,
      expected: `${ENDPOINT}/hls/v1/getMP4MediaFragment.mp4?SessionToken=NEW&FragmentNumber=9&TrackNumber=1`,
    },
    {
      name: 'the token in second place is found',
      url: `${ENDPOINT}/dash/v1/getMP4InitFragment.mp4?TrackNumber=1&SessionToken=OLD`,
      expected: `${ENDPOINT}/dash/v1/getMP4InitFragment.mp4?TrackNumber=1&SessionToken=NEW`,
    },
    {
      name: 'another host is left alone (a CDN, a license server)',
      url: 'https://cdn.example.com/x.mp4?SessionToken=OLD',
      expected: 'https://cdn.example.com/x.mp4?SessionToken=OLD',
    },
    {
      name: 'a URL without a token is left alone',
      url: `${ENDPOINT}/hls/v1/other.m3u8?a=1`,
      expected: `${ENDPOINT}/hls/v1/other.m3u8?a=1`,
    },
    {
      name: 'a parameter that merely ends in SessionToken is not touched',
      url: `${ENDPOINT}/x?OtherSessionToken=OLD`,
      expected: `${ENDPOINT}/x?OtherSessionToken=OLD`,
    },
  ])('$name', ({ url, expected }) => {
    const session = createSessionUrl(first);
    expect(session.replace(second)).toBe('swapped');
    expect(session.rewrite(url)).toBe(expected);
    expect(session.current).toBe(second);
  });

  it('before any renewal, URLs keep their own token', () => {
    const url = `${ENDPOINT}/hls/v1/getHLSMediaPlaylist.m3u8?SessionToken=OLD%2Btoken&TrackNumber=1`;
    expect(createSessionUrl(first).rewrite(url)).toBe(url);
  });

  it('asks for a reload when the renewed session is on another endpoint', () => {
    const session = createSessionUrl(first);
    const elsewhere =
      'https://b-9999.kinesisvideo.eu-west-1.amazonaws.com/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=N';
    expect(session.replace(elsewhere)).toBe('reload');
    // from then on, the new endpoint's URLs are the ones rewritten
    expect(session.rewrite(`${ENDPOINT}/hls/v1/f.mp4?SessionToken=OLD`)).toBe(
      `${ENDPOINT}/hls/v1/f.mp4?SessionToken=OLD`,
    );
  });
});

describe('followDashSessions', () => {
  function fakeDash() {
    const interceptors: ((r: { url: string }) => Promise<{ url: string }>)[] = [];
    const attached: string[] = [];
    const player: DashPlayerLike = {
      addRequestInterceptor: (i) => void interceptors.push(i),
      removeRequestInterceptor: (i) => void interceptors.splice(interceptors.indexOf(i), 1),
      attachSource: (url) => void attached.push(url),
    };
    return { player, interceptors, attached };
  }

  it('rewrites the manifest request after an update, without reloading the player, and leaves segment URLs to the manifest that listed them (KVS numbers DASH segments per session)', async () => {
    const { player, interceptors, attached } = fakeDash();
    const link = followDashSessions(player, first.replace('/hls/', '/dash/'));
    expect(link.update(second.replace('/hls/', '/dash/'))).toBe('swapped');
    const manifest = { url: `${ENDPOINT}/dash/v1/getDASHManifest.mpd?SessionToken=OLD%2Btoken` };
    expect(await interceptors[0]!(manifest)).toEqual({
      url: `${ENDPOINT}/dash/v1/getDASHManifest.mpd?SessionToken=NEW`,
    });
    const segment = `${ENDPOINT}/dash/v1/getMP4MediaFragment.mp4?SessionToken=OLD%2Btoken&FragmentNumber=3`;
    expect(await interceptors[0]!({ url: segment })).toEqual({ url: segment });
    const init = `${ENDPOINT}/dash/v1/getMP4InitFragment.mp4?SessionToken=OLD&TrackNumber=1`;
    expect(await interceptors[0]!({ url: init })).toEqual({ url: init });
    expect(attached).toEqual([]);
    link.detach();
    expect(interceptors).toEqual([]);
  });

  it('gives every request the new token for ON_DEMAND and LIVE_REPLAY (the same request numbers its segments alike; a static manifest is never fetched again)', async () => {
    for (const playbackMode of ['ON_DEMAND', 'LIVE_REPLAY'] as const) {
      const { player, interceptors } = fakeDash();
      const link = followDashSessions(player, first.replace('/hls/', '/dash/'), { playbackMode });
      link.update(second.replace('/hls/', '/dash/'));
      const segment = `${ENDPOINT}/dash/v1/getMP4MediaFragment.mp4?SessionToken=OLD%2Btoken&FragmentNumber=3`;
      expect(await interceptors[0]!({ url: segment })).toEqual({
        url: `${ENDPOINT}/dash/v1/getMP4MediaFragment.mp4?SessionToken=NEW&FragmentNumber=3`,
      });
    }
  });

  it('reloads the source when the endpoint changed', () => {
    const { player, attached } = fakeDash();
    const link = followDashSessions(player, first);
    const elsewhere =
      'https://b-2.kinesisvideo.eu-west-1.amazonaws.com/dash/v1/getDASHManifest.mpd?SessionToken=N';
    expect(link.update(elsewhere)).toBe('reloaded');
    expect(attached).toEqual([elsewhere]);
  });

  it("accepts dash.js's own MediaPlayer type", () => {
    const accepts = (player: MediaPlayerClass): DashPlayerLike => player;
    expect(typeof accepts).toBe('function');
  });
});

describe('hlsSessionConfig', () => {
  it("wraps the loader: each load's context.url carries the current token", () => {
    const loaded: string[] = [];
    class BaseLoader {
      load(context: { url: string }): void {
        loaded.push(context.url);
      }
    }
    const { loader: Loader, bind } = hlsSessionConfig(BaseLoader, first);
    const reloads: string[] = [];
    const link = bind({ loadSource: (url) => void reloads.push(url) });
    const fragment = `${ENDPOINT}/hls/v1/getMP4MediaFragment.mp4?SessionToken=OLD%2Btoken&FragmentNumber=1`;
    new Loader().load({ url: fragment });
    expect(link.update(second)).toBe('swapped');
    new Loader().load({ url: fragment });
    expect(loaded).toEqual([fragment, fragment.replace('OLD%2Btoken', 'NEW')]);
    expect(reloads).toEqual([]);
  });

  it("accepts hls.js's own default loader and Hls type", () => {
    const typed = (H: typeof Hls, hls: Hls) => {
      const { loader, bind } = hlsSessionConfig(H.DefaultConfig.loader, first);
      return { loader, link: bind(hls) };
    };
    expect(typeof typed).toBe('function');
  });
});
