// A motion-triggered camera through the emulator, the real SDK client, HTTP and the media hook: the session token
// carries the recording schedule, playlists and manifests list only recorded fragments and every URL they list
// fetches the fragment it names, a fragment in a gap is refused, and a session with no media is refused when asked.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  GetDASHStreamingSessionURLCommand,
  GetHLSStreamingSessionURLCommand,
  type GetHLSStreamingSessionURLCommandInput,
} from '@aws-sdk/client-kinesis-video-archived-media';
import {
  isRecording,
  signSessionToken,
  startKvsEmulator,
  verifySessionToken,
  type KvsEmulator,
  type MediaHook,
  type SessionClaims,
} from '../../../local/emulator/index';
import { emulatorMedia } from '../../../local/media/emulator-hook';
import { loadFixture } from '../../../local/media/fixture';
import { describeInitSegment, describeMediaFragment } from '../../../local/media/isobmff';
import { clientsFor, errorOf, manualClock, NOW, tokenOf } from '../emulator/support';
import { elements, only, parseXml } from './xml';

const fixture = loadFixture();
const D = fixture.fragmentDurationMs;
const TICKS = BigInt((D * fixture.video.timescale) / 1000);
const MOTION = { everySeconds: 4, forSeconds: 2 };
/** 10 s of every 2 minutes; NOW starts a period. */
const SPARSE = { everySeconds: 120, forSeconds: 10 };
const SECOND = 1000;
const clock = manualClock(NOW);
const at = (offsetMs: number) => new Date(NOW + offsetMs);
const F = NOW / D;

let emu: KvsEmulator;
let media: ReturnType<typeof clientsFor>['media'];

beforeAll(async () => {
  const hook: { serve?: MediaHook } = {};
  emu = await startKvsEmulator({
    streams: [
      { name: 'cam-motion', recording: MOTION },
      { name: 'cam-sparse', recording: SPARSE },
      { name: 'cam-always' },
    ],
    now: clock.now,
    enforceQuotas: false,
    media: (req, res, session, path) => hook.serve!(req, res, session, path),
  });
  hook.serve = emulatorMedia(clock.now)(emu);
  ({ media } = clientsFor(emu));
});
afterAll(() => emu.close());
beforeEach(() => {
  clock.advance(NOW + 60 * SECOND - clock.now());
});

const hls = async (input: GetHLSStreamingSessionURLCommandInput) =>
  (await media.send(new GetHLSStreamingSessionURLCommand(input))).HLSStreamingSessionURL!;
const onDemand = { FragmentSelectorType: 'SERVER_TIMESTAMP' as const };
/** [NOW, NOW + 11 s] of cam-motion: fragments F, F+1, F+4, F+5, F+8, F+9. */
const RANGE = { StartTimestamp: at(0), EndTimestamp: at(11 * SECOND) };
const LISTED = [0, 1, 4, 5, 8, 9].map((k) => F + k);
const fragmentOf = (body: ArrayBuffer) =>
  Number(
    describeMediaFragment(new Uint8Array(body), describeInitSegment(fixture.init)).tracks[0]!
      .baseMediaDecodeTime / TICKS,
  );

describe('the session token carries the recording schedule', () => {
  it("signs the stream's schedule into the token, and none for a stream that always records", async () => {
    const session = (url: string) => {
      const result = verifySessionToken(tokenOf(url), emu.secret, clock.now());
      if (!result.ok) throw new Error(result.reason);
      return result.session;
    };
    const motion = await hls({ StreamName: 'cam-motion', PlaybackMode: 'LIVE' });
    expect(session(motion).recording).toEqual(MOTION);
    const always = await hls({ StreamName: 'cam-always', PlaybackMode: 'LIVE' });
    expect('recording' in session(always)).toBe(false);
  });

  const claims: SessionClaims = {
    sessionId: 's',
    streamName: 'cam-motion',
    protocol: 'HLS',
    playbackMode: 'LIVE',
    fragmentSelectorType: 'SERVER_TIMESTAMP',
    displayFragmentTimestamp: 'NEVER',
    maxFragmentResults: 5,
    issuedAtMs: NOW,
    expiresAtMs: NOW + 300 * SECOND,
  };
  it.each([
    ['a schedule that is not an object', 'every 4 s'],
    ['a schedule with a third field', { ...MOTION, offsetSeconds: 1 }],
    ['a schedule recording all the time', { everySeconds: 4, forSeconds: 4 }],
    ['a schedule recording nothing', { everySeconds: 4, forSeconds: 0 }],
    ['a schedule in fractions', { everySeconds: 4, forSeconds: 1.5 }],
    ['a period longer than a day (the longest a stream takes)', { everySeconds: 86_401, forSeconds: 1 }],
  ])('takes a token with %s as malformed', (_, recording) => {
    const token = signSessionToken({ ...claims, recording } as unknown as SessionClaims, emu.secret);
    expect(verifySessionToken(token, emu.secret, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });
});

it('takes recording periods up to a day, as the config does (the media side tabulates one period)', () => {
  expect(() =>
    emu.putStream({ name: 'cam-daily', recording: { everySeconds: 86_400, forSeconds: 3600 } }),
  ).not.toThrow();
  expect(() =>
    emu.putStream({ name: 'cam-daily', recording: { everySeconds: 86_401, forSeconds: 3600 } }),
  ).toThrow(TypeError);
});

describe('HLS and DASH list, number and serve only recorded fragments', () => {
  it('lists the recorded fragments of an HLS range, serves them, and refuses one in a gap with a 404', async () => {
    const url = await hls({
      StreamName: 'cam-motion',
      PlaybackMode: 'ON_DEMAND',
      DiscontinuityMode: 'ON_DISCONTINUITY',
      HLSFragmentSelector: { ...onDemand, TimestampRange: RANGE },
    });
    const master = await (await fetch(url)).text();
    const playlistUrl = new URL(
      master.split('\n').find((l) => l.startsWith('getHLSMediaPlaylist'))!,
      url,
    );
    const lines = (await (await fetch(playlistUrl)).text()).split('\n');
    const uris = lines.filter((l) => l !== '' && !l.startsWith('#')).map((l) => new URL(l, playlistUrl));
    expect(uris.map((u) => Number(u.searchParams.get('FragmentNumber')))).toEqual(LISTED);
    expect(lines.filter((l) => l === '#EXT-X-DISCONTINUITY')).toHaveLength(2);
    for (const uri of uris)
      expect(fragmentOf(await (await fetch(uri)).arrayBuffer())).toBe(
        Number(uri.searchParams.get('FragmentNumber')),
      );

    const inGap = new URL(uris[0]!);
    inGap.searchParams.set('FragmentNumber', String(F + 2));
    const refused = await fetch(inGap);
    expect(refused.status).toBe(404);
    expect(refused.headers.get('x-amzn-errortype')).toMatch(/^ResourceNotFoundException/);
  });

  it('fetches, for every DASH segment across its Periods, the fragment its SegmentTimeline places there', async () => {
    const { DASHStreamingSessionURL: url } = await media.send(
      new GetDASHStreamingSessionURLCommand({
        StreamName: 'cam-motion',
        PlaybackMode: 'ON_DEMAND',
        DASHFragmentSelector: { ...onDemand, TimestampRange: RANGE },
      }),
    );
    const root = parseXml(await (await fetch(url!)).text());
    expect(elements(root, 'Period')).toHaveLength(3);
    const fetched: [number, number][] = [];
    for (const period of elements(root, 'Period')) {
      const template = only(period, 'SegmentTemplate').attributes;
      let t = 0n;
      for (const [i, s] of elements(period, 'S').entries()) {
        t = s.attributes.t === undefined ? t : BigInt(s.attributes.t);
        const segment = new URL(
          template.media!.replace('$Number$', String(Number(template.startNumber) + i)),
          url,
        );
        fetched.push([Number(t / TICKS), fragmentOf(await (await fetch(segment)).arrayBuffer())]);
        t += BigInt(s.attributes.d!);
      }
    }
    expect(fetched).toEqual(LISTED.map((n) => [n, n]));
  });
});

// KVS: GetHLSStreamingSessionURL and GetDASHStreamingSessionURL throw ResourceNotFoundException "if a session with a
// PlaybackMode of ON_DEMAND or LIVE_REPLAY is requested for a stream that has no fragments within the requested
// time range, or if a session with a PlaybackMode of LIVE is requested for a stream that has no fragments within
// the last 30 seconds" (KinesisVideoArchivedMedia ResourceNotFoundException).
describe('a session with no recorded media is refused when asked for, as KVS refuses a range without fragments', () => {
  it('refuses LIVE when the camera recorded nothing in the last 30 seconds', async () => {
    expect(await errorOf(hls({ StreamName: 'cam-sparse', PlaybackMode: 'LIVE' }))).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 404,
    });
    clock.advance(NOW + 35 * SECOND - clock.now()); // recorded until NOW + 10 s
    expect(await hls({ StreamName: 'cam-sparse', PlaybackMode: 'LIVE' })).toContain('SessionToken=');
  });

  it('refuses an ON_DEMAND range inside a gap, and a LIVE_REPLAY that opened in a gap with nothing recorded since', async () => {
    const inGap = { StartTimestamp: at(20 * SECOND), EndTimestamp: at(50 * SECOND) };
    expect(
      await errorOf(
        hls({
          StreamName: 'cam-sparse',
          PlaybackMode: 'ON_DEMAND',
          HLSFragmentSelector: { ...onDemand, TimestampRange: inGap },
        }),
      ),
    ).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    expect(
      await errorOf(
        hls({
          StreamName: 'cam-sparse',
          PlaybackMode: 'LIVE_REPLAY',
          HLSFragmentSelector: { ...onDemand, TimestampRange: { StartTimestamp: at(20 * SECOND) } },
        }),
      ),
    ).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    expect(isRecording(SPARSE, NOW + 20 * SECOND)).toBe(false);
  });
});
