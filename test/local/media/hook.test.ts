import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadFixture } from '../../../local/media/fixture';
import { createMediaHook, MediaError, type OutgoingBytesMetric } from '../../../local/media/hook';
import { describeInitSegment, describeMediaFragment } from '../../../local/media/isobmff';
import { readPesTimestamps } from '../../../local/media/mpegts';
import type { MediaSession } from '../../../local/media/session';
import { liveSession, NOW, replaySession } from './sessions';
import { only, parseXml } from './xml';

const fixture = loadFixture();
const F = NOW / 1000;

/**
 * A stand-in for the emulator: it maps the SessionToken to a session, hands GETs to the hook, and answers the
 * MediaErrors the hook rejects with as the emulator does (status, x-amzn-ErrorType, JSON message, any origin);
 * test/local/media/emulator-hook.test.ts checks the emulator's own answer.
 */
const sessions = new Map<string, MediaSession>([
  ['dash-live', liveSession({ protocol: 'DASH' })],
  ['hls-fmp4', liveSession({ protocol: 'HLS' })],
  ['hls-ts', liveSession({ protocol: 'HLS', containerFormat: 'MPEG_TS' })],
  ['dash-replay-at-head', replaySession(NOW + 100, undefined, { issuedAtMs: NOW + 100 })],
]);
let clock = NOW;
let recorded: [string, number, OutgoingBytesMetric][] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  const hook = createMediaHook({
    now: () => clock,
    recordOutgoingBytes: (stream, bytes, metric) => recorded.push([stream, bytes, metric]),
    fixture,
  });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const session = sessions.get(url.searchParams.get('SessionToken') ?? '');
    if (!session) {
      res.writeHead(403).end();
      return;
    }
    hook(req, res, session, url.pathname).catch((error: unknown) => {
      const media = error instanceof MediaError;
      const body = JSON.stringify({ message: media ? error.message : 'Internal error' });
      res.writeHead(media ? error.status : 500, {
        'Content-Type': 'application/json',
        'Access-Control-Allow-Origin': '*',
        ...(media ? { 'x-amzn-ErrorType': error.type } : {}),
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  clock = NOW + 500;
  recorded = [];
});

async function get(url: string) {
  const response = await fetch(url);
  return { response, body: new Uint8Array(await response.arrayBuffer()) };
}

const text = (body: Uint8Array) => Buffer.from(body).toString('utf8');

describe('a DASH session', () => {
  const manifestUrl = () => `${base}/dash/v1/getDASHManifest.mpd?SessionToken=dash-live`;

  it('serves the manifest, init and media fragments with their content types, to any origin', async () => {
    const manifest = await get(manifestUrl());
    expect(manifest.response.status).toBe(200);
    expect(manifest.response.headers.get('content-type')).toBe('application/dash+xml');
    expect(manifest.response.headers.get('access-control-allow-origin')).toBe('*');

    const template = only(parseXml(text(manifest.body)), 'SegmentTemplate').attributes;
    // $Number$ counts the session's fragments from its first (F - 5, the oldest it listed when issued)
    const newest = Number(template.startNumber) + 4;
    expect(newest).toBe(4);
    const init = await get(new URL(template.initialization!, manifestUrl()).href);
    expect(init.response.status).toBe(200);
    expect(init.response.headers.get('content-type')).toBe('video/mp4');
    expect(init.response.headers.get('access-control-allow-origin')).toBe('*');
    expect(Buffer.from(init.body).equals(fixture.init)).toBe(true);

    const fragment = await get(
      new URL(template.media!.replace('$Number$', String(newest)), manifestUrl()).href,
    );
    expect(fragment.response.status).toBe(200);
    expect(fragment.response.headers.get('content-type')).toBe('video/mp4');
    expect(fragment.response.headers.get('access-control-allow-origin')).toBe('*');
    expect(
      describeMediaFragment(fragment.body, describeInitSegment(init.body)).tracks[0]!.baseMediaDecodeTime,
    ).toBe(BigInt(F - 1) * 90_000n);
  });

  it('counts the bytes of media fragments only, per stream, as GetMP4MediaFragment.OutgoingBytes', async () => {
    await get(manifestUrl());
    await get(`${base}/dash/v1/getMP4InitFragment.mp4?SessionToken=dash-live&TrackNumber=1`);
    const fragment = await get(
      `${base}/dash/v1/getMP4MediaFragment.mp4?FragmentNumber=3&SessionToken=dash-live&TrackNumber=1`,
    );
    expect(recorded).toEqual([['cam-1', fragment.body.length, 'GetMP4MediaFragment.OutgoingBytes']]);
  });

  it('counts nothing for a HEAD request, which sends no body', async () => {
    const url = `${base}/dash/v1/getMP4MediaFragment.mp4?FragmentNumber=3&SessionToken=dash-live&TrackNumber=1`;
    const response = await fetch(url, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(0);
    expect(recorded).toEqual([]);
  });

  it('slides its manifest with the emulator clock', async () => {
    const startNumber = async () =>
      Number(only(parseXml(text((await get(manifestUrl())).body)), 'SegmentTemplate').attributes.startNumber);
    const before = await startNumber();
    clock += 3000;
    expect(await startNumber()).toBe(before + 3);
  });

  it.each([
    // DASH URLs carry the session's numbers: F - 5 is 0, so fragment F is 5
    ['not yet ingested', 5],
    ['the session will not list for hours', 10_000],
  ])(
    'answers 404 ResourceNotFoundException for a fragment %s, and counts nothing',
    async (_, fragmentNumber) => {
      const { response, body } = await get(
        `${base}/dash/v1/getMP4MediaFragment.mp4?FragmentNumber=${fragmentNumber}&SessionToken=dash-live&TrackNumber=1`,
      );
      expect(response.status).toBe(404);
      expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(JSON.parse(text(body))).toEqual({
        message: `Fragment ${fragmentNumber} is not in this session.`,
      });
      expect(recorded).toEqual([]);
    },
  );

  it.each([
    ['a FragmentNumber that is not a number', '&FragmentNumber=abc', 400, 'InvalidArgumentException'],
    ['no FragmentNumber', '', 400, 'InvalidArgumentException'],
    [
      'a track the stream does not have',
      `&FragmentNumber=${F - 1}&TrackNumber=2`,
      404,
      'ResourceNotFoundException',
    ],
  ])('refuses %s', async (_, params, status, errorType) => {
    const { response } = await get(`${base}/dash/v1/getMP4MediaFragment.mp4?SessionToken=dash-live${params}`);
    expect(response.status).toBe(status);
    expect(response.headers.get('x-amzn-errortype')).toBe(errorType);
  });

  it('answers 404 for the manifest of a replay whose first fragment is not complete yet', async () => {
    const { response } = await get(`${base}/dash/v1/getDASHManifest.mpd?SessionToken=dash-replay-at-head`);
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
  });
});

describe('an HLS session', () => {
  /** Follows master playlist -> media playlist -> newest fragment, as a player does. */
  async function play(token: string) {
    const masterUrl = `${base}/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=${token}`;
    const master = await get(masterUrl);
    expect(master.response.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    const mediaUrl = new URL(
      text(master.body)
        .split('\n')
        .find((line) => line && !line.startsWith('#'))!,
      masterUrl,
    ).href;
    const playlist = await get(mediaUrl);
    expect(playlist.response.status).toBe(200);
    expect(playlist.response.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    const uris = text(playlist.body)
      .split('\n')
      .filter((line) => line && !line.startsWith('#'));
    return get(new URL(uris.at(-1)!, mediaUrl).href);
  }

  it('serves MPEG-TS fragments as video/mp2t with continuous timestamps, counted as GetTSFragment.OutgoingBytes', async () => {
    const { response, body } = await play('hls-ts');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp2t');
    expect(readPesTimestamps(body)[0]!.pts).toBe(((F - 1) * 90_000) % 2 ** 33);
    expect(recorded).toEqual([['cam-1', body.length, 'GetTSFragment.OutgoingBytes']]);
  });

  it('serves fMP4 fragments counted as GetMP4MediaFragment.OutgoingBytes', async () => {
    const { response, body } = await play('hls-fmp4');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(recorded).toEqual([['cam-1', body.length, 'GetMP4MediaFragment.OutgoingBytes']]);
  });
});

describe('resources a session does not offer', () => {
  it.each([
    ['a TS fragment in an fMP4 session', '/hls/v1/getTSFragment.ts?SessionToken=hls-fmp4&FragmentNumber=1'],
    ['an init fragment in a TS session', '/hls/v1/getMP4InitFragment.mp4?SessionToken=hls-ts'],
    ['the DASH manifest of an HLS session', '/dash/v1/getDASHManifest.mpd?SessionToken=hls-fmp4'],
    ['an HLS playlist of a DASH session', '/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=dash-live'],
    ['an unknown resource', '/dash/v1/getImages?SessionToken=dash-live'],
  ])('answer 404: %s', async (_, path) => {
    const { response } = await get(`${base}${path}`);
    expect(response.status).toBe(404);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(recorded).toEqual([]);
  });
});
