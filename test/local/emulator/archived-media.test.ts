import { describe, expect, it } from '@jest/globals';
import {
  GetDASHStreamingSessionURLCommand,
  GetHLSStreamingSessionURLCommand,
  type GetDASHStreamingSessionURLCommandInput,
  type GetHLSStreamingSessionURLCommandInput,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { verifySessionToken } from '../../../local/emulator/index';
import { emulatorFixture, errorOf, HOUR, manualClock, MINUTE, NOW, tokenOf } from './support';

const clock = manualClock(NOW);
const at = (offsetMs: number) => new Date(NOW + offsetMs);

describe('KVS emulator archived media, through the real SDK client', () => {
  const fx = emulatorFixture({
    streams: [
      { name: 'cam-1' },
      { name: 'cam-no-retention', dataRetentionInHours: 0 },
      { name: 'cam-opus', mediaType: 'audio/opus' },
      { name: 'cam-vp8', mediaType: 'video/vp8,audio/aac' },
      { name: 'cam-g711', mediaType: 'video/h264,audio/alaw' },
      { name: 'cam-short', dataRetentionInHours: 2 },
      { name: 'cam-new', creationTime: NOW - 10 * MINUTE },
    ],
    now: clock.now,
    enforceQuotas: false,
  });

  const dash = (input: GetDASHStreamingSessionURLCommandInput) =>
    fx.media.send(new GetDASHStreamingSessionURLCommand(input));
  const hls = (input: GetHLSStreamingSessionURLCommandInput) =>
    fx.media.send(new GetHLSStreamingSessionURLCommand(input));
  const sessionOf = (url: string | undefined) => {
    const result = verifySessionToken(tokenOf(url), fx.emu.secret, clock.now());
    if (!result.ok) throw new Error(`token did not verify: ${result.reason}`);
    return result.session;
  };

  describe('happy paths', () => {
    it('issues a DASH LIVE session with KVS defaults', async () => {
      const { DASHStreamingSessionURL: url } = await dash({ StreamName: 'cam-1' });
      expect(url).toMatch(
        new RegExp(
          `^${fx.emu.endpoint}/dash/v1/getDASHManifest\\.mpd\\?SessionToken=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`,
        ),
      );
      expect(sessionOf(url)).toEqual({
        sessionId: expect.any(String),
        streamName: 'cam-1',
        protocol: 'DASH',
        playbackMode: 'LIVE',
        fragmentSelectorType: 'SERVER_TIMESTAMP',
        displayFragmentTimestamp: 'NEVER',
        displayFragmentNumber: 'NEVER',
        maxFragmentResults: 5,
        issuedAtMs: NOW,
        expiresAtMs: NOW + 300_000,
        // the default retention is 24 h, and the stream is older than that
        oldestMs: NOW - 24 * HOUR,
        token: tokenOf(url),
      });
    });

    it.each([
      ['its retention, for a stream older than that', 'cam-short', NOW - 2 * HOUR],
      ['its creation, for a stream younger than its retention', 'cam-new', NOW - 10 * MINUTE],
    ])('carries the oldest media the stream holds into the token: %s', async (_, StreamName, oldestMs) => {
      const replay = await hls({
        StreamName,
        PlaybackMode: 'ON_DEMAND',
        HLSFragmentSelector: {
          TimestampRange: { StartTimestamp: at(-20 * HOUR), EndTimestamp: at(-MINUTE) },
        },
      });
      expect(sessionOf(replay.HLSStreamingSessionURL).oldestMs).toBe(oldestMs);
      const live = await dash({ StreamName });
      expect(sessionOf(live.DASHStreamingSessionURL).oldestMs).toBe(oldestMs);
    });

    it('issues an HLS LIVE session with KVS defaults', async () => {
      const { HLSStreamingSessionURL: url } = await hls({ StreamName: 'cam-1' });
      expect(url).toMatch(
        new RegExp(`^${fx.emu.endpoint}/hls/v1/getHLSMasterPlaylist\\.m3u8\\?SessionToken=`),
      );
      expect(sessionOf(url)).toMatchObject({
        protocol: 'HLS',
        playbackMode: 'LIVE',
        containerFormat: 'FRAGMENTED_MP4',
        discontinuityMode: 'ALWAYS',
        displayFragmentTimestamp: 'NEVER',
        maxFragmentResults: 5,
      });
      expect(sessionOf(url).displayFragmentNumber).toBeUndefined();
    });

    it('carries every requested option of an ON_DEMAND HLS session into the token', async () => {
      const { HLSStreamingSessionURL: url } = await hls({
        StreamARN: fx.emu.streamArn('cam-1'),
        PlaybackMode: 'ON_DEMAND',
        HLSFragmentSelector: {
          FragmentSelectorType: 'PRODUCER_TIMESTAMP',
          TimestampRange: { StartTimestamp: at(-30 * MINUTE), EndTimestamp: at(-10 * MINUTE) },
        },
        ContainerFormat: 'MPEG_TS',
        DisplayFragmentTimestamp: 'ALWAYS',
        Expires: 43_200,
      });
      expect(sessionOf(url)).toMatchObject({
        streamName: 'cam-1',
        playbackMode: 'ON_DEMAND',
        fragmentSelectorType: 'PRODUCER_TIMESTAMP',
        startTimestampMs: NOW - 30 * MINUTE,
        endTimestampMs: NOW - 10 * MINUTE,
        containerFormat: 'MPEG_TS',
        // KVS's default for PRODUCER_TIMESTAMP
        discontinuityMode: 'NEVER',
        displayFragmentTimestamp: 'ALWAYS',
        maxFragmentResults: 1000,
        expiresAtMs: NOW + 43_200_000,
      });
    });

    it('issues a LIVE_REPLAY DASH session with only a start', async () => {
      const { DASHStreamingSessionURL: url } = await dash({
        StreamName: 'cam-1',
        PlaybackMode: 'LIVE_REPLAY',
        DASHFragmentSelector: { TimestampRange: { StartTimestamp: at(-HOUR) } },
        DisplayFragmentNumber: 'ALWAYS',
        MaxManifestFragmentResults: 5000,
      });
      const session = sessionOf(url);
      expect(session).toMatchObject({
        playbackMode: 'LIVE_REPLAY',
        startTimestampMs: NOW - HOUR,
        displayFragmentNumber: 'ALWAYS',
        maxFragmentResults: 5000,
      });
      expect(session.endTimestampMs).toBeUndefined();
    });

    it('keeps millisecond timestamps exact across the wire (epoch seconds with a fraction)', async () => {
      const { DASHStreamingSessionURL: url } = await dash({
        StreamName: 'cam-1',
        PlaybackMode: 'ON_DEMAND',
        DASHFragmentSelector: {
          TimestampRange: { StartTimestamp: at(-HOUR + 123), EndTimestamp: at(-MINUTE + 7) },
        },
      });
      expect(sessionOf(url)).toMatchObject({
        startTimestampMs: NOW - HOUR + 123,
        endTimestampMs: NOW - MINUTE + 7,
      });
    });

    it('plays G.711 audio over DASH', async () => {
      await expect(dash({ StreamName: 'cam-g711' })).resolves.toHaveProperty('DASHStreamingSessionURL');
    });

    it('mints a distinct session per call', async () => {
      const a = sessionOf((await dash({ StreamName: 'cam-1' })).DASHStreamingSessionURL);
      const b = sessionOf((await dash({ StreamName: 'cam-1' })).DASHStreamingSessionURL);
      expect(a.sessionId).not.toBe(b.sessionId);
    });
  });

  type Case = [string, Record<string, unknown>, RegExp];
  const range = (start?: number, end?: number) => ({
    TimestampRange: {
      ...(start === undefined ? {} : { StartTimestamp: at(start) }),
      ...(end === undefined ? {} : { EndTimestamp: at(end) }),
    },
  });

  // Rules shared by both operations; `selector` is the protocol's own FragmentSelector member.
  const sharedCases = (selector: string, maxResults: string, maxPath: string): Case[] => [
    ['Expires below 300', { Expires: 299 }, /'299' at 'expires'.*greater than or equal to 300/],
    ['Expires above 43200', { Expires: 43_201 }, /'43201' at 'expires'.*less than or equal to 43200/],
    [
      'an unknown PlaybackMode',
      { PlaybackMode: 'ON-DEMAND' },
      /'ON-DEMAND' at 'playbackMode'.*\[LIVE, LIVE_REPLAY, ON_DEMAND\]/,
    ],
    [
      'an unknown FragmentSelectorType',
      { [selector]: { FragmentSelectorType: 'WALL_CLOCK' } },
      /fragmentSelectorType.*\[PRODUCER_TIMESTAMP, SERVER_TIMESTAMP\]/,
    ],
    [`${maxResults} 0`, { [maxResults]: 0 }, new RegExp(`'0' at '${maxPath}'.*greater than or equal to 1`)],
    [
      `${maxResults} 5001`,
      { [maxResults]: 5001 },
      new RegExp(`'5001' at '${maxPath}'.*less than or equal to 5000`),
    ],
    [
      'an unknown DisplayFragmentTimestamp',
      { DisplayFragmentTimestamp: 'SOMETIMES' },
      /displayFragmentTimestamp.*\[ALWAYS, NEVER\]/,
    ],
    [
      'a timestamp range in LIVE mode',
      { [selector]: range(-HOUR, -MINUTE) },
      /TimestampRange must not be set when PlaybackMode is LIVE/,
    ],
    [
      'LIVE_REPLAY without a selector',
      { PlaybackMode: 'LIVE_REPLAY' },
      /StartTimestamp is required when PlaybackMode is LIVE_REPLAY/,
    ],
    [
      'LIVE_REPLAY with only an end',
      { PlaybackMode: 'LIVE_REPLAY', [selector]: range(undefined, -MINUTE) },
      /StartTimestamp is required/,
    ],
    [
      'ON_DEMAND without an end',
      { PlaybackMode: 'ON_DEMAND', [selector]: range(-HOUR) },
      /EndTimestamp is required when PlaybackMode is ON_DEMAND/,
    ],
    [
      'ON_DEMAND without a range',
      { PlaybackMode: 'ON_DEMAND' },
      /StartTimestamp is required when PlaybackMode is ON_DEMAND/,
    ],
    [
      'an end equal to the start',
      { PlaybackMode: 'ON_DEMAND', [selector]: range(-HOUR, -HOUR) },
      /EndTimestamp must be later than StartTimestamp/,
    ],
    [
      'an end before the start',
      { PlaybackMode: 'LIVE_REPLAY', [selector]: range(-HOUR, -2 * HOUR) },
      /EndTimestamp must be later than StartTimestamp/,
    ],
    [
      'a range over 24 hours',
      { PlaybackMode: 'ON_DEMAND', [selector]: range(-25 * HOUR, -HOUR + 1) },
      /within 24 hours of StartTimestamp/,
    ],
    [
      'a server-timestamp range ending in the future',
      { PlaybackMode: 'ON_DEMAND', [selector]: range(-HOUR, MINUTE) },
      /EndTimestamp must be in the past/,
    ],
    ['a malformed stream name', { StreamName: 'cam/1' }, /'cam\/1' at 'streamName'.*pattern/],
  ];

  describe.each([
    [
      'GetDASHStreamingSessionURL',
      dash as (i: object) => Promise<unknown>,
      [
        ...sharedCases('DASHFragmentSelector', 'MaxManifestFragmentResults', 'maxManifestFragmentResults'),
        [
          'an unknown DisplayFragmentNumber',
          { DisplayFragmentNumber: 'MAYBE' },
          /displayFragmentNumber.*\[ALWAYS, NEVER\]/,
        ],
      ] as Case[],
    ],
    [
      'GetHLSStreamingSessionURL',
      hls as (i: object) => Promise<unknown>,
      [
        ...sharedCases(
          'HLSFragmentSelector',
          'MaxMediaPlaylistFragmentResults',
          'maxMediaPlaylistFragmentResults',
        ),
        [
          'an unknown ContainerFormat',
          { ContainerFormat: 'MKV' },
          /containerFormat.*\[FRAGMENTED_MP4, MPEG_TS\]/,
        ],
        [
          'an unknown DiscontinuityMode',
          { DiscontinuityMode: 'AUTO' },
          /discontinuityMode.*\[ALWAYS, NEVER, ON_DISCONTINUITY\]/,
        ],
      ] as Case[],
    ],
  ])('%s parameter rules', (_op, call, cases) => {
    it.each(cases)('rejects %s with InvalidArgumentException (400)', async (_case, input, message) => {
      const err = await errorOf(call({ StreamName: 'cam-1', ...input }));
      expect(err).toMatchObject({ name: 'InvalidArgumentException', status: 400 });
      expect(err.message).toMatch(message);
    });
  });

  describe.each([
    ['GetDASHStreamingSessionURL', 'DASHFragmentSelector', dash as (i: object) => Promise<unknown>],
    ['GetHLSStreamingSessionURL', 'HLSFragmentSelector', hls as (i: object) => Promise<unknown>],
  ])('%s stream checks', (_op, selector, call) => {
    it.each([
      ['an unknown stream', 'ResourceNotFoundException', 404, /cam-nope/, { StreamName: 'cam-nope' }],
      [
        'a stream without data retention',
        'NoDataRetentionException',
        400,
        /DataRetentionInHours is 0/,
        { StreamName: 'cam-no-retention' },
      ],
      [
        'an audio/opus stream',
        'UnsupportedStreamMediaTypeException',
        400,
        /audio\/opus/,
        { StreamName: 'cam-opus' },
      ],
      [
        'a VP8 stream',
        'UnsupportedStreamMediaTypeException',
        400,
        /unsupported: video\/vp8\)/,
        { StreamName: 'cam-vp8' },
      ],
      [
        'an ON_DEMAND range in the future',
        'ResourceNotFoundException',
        404,
        /starts in the future/,
        {
          StreamName: 'cam-1',
          PlaybackMode: 'ON_DEMAND',
          [selector]: { FragmentSelectorType: 'PRODUCER_TIMESTAMP', ...range(HOUR, 2 * HOUR) },
        },
      ],
      [
        'a server-timestamp ON_DEMAND range in the future',
        'ResourceNotFoundException',
        404,
        /starts in the future/,
        { StreamName: 'cam-1', PlaybackMode: 'ON_DEMAND', [selector]: range(HOUR, 2 * HOUR) },
      ],
      [
        'a LIVE_REPLAY start in the future',
        'ResourceNotFoundException',
        404,
        /starts in the future/,
        { StreamName: 'cam-1', PlaybackMode: 'LIVE_REPLAY', [selector]: range(MINUTE) },
      ],
      [
        'a range older than the retention',
        'ResourceNotFoundException',
        404,
        /oldest retained fragment.*DataRetentionInHours 2/,
        { StreamName: 'cam-short', PlaybackMode: 'ON_DEMAND', [selector]: range(-4 * HOUR, -3 * HOUR) },
      ],
      [
        'a LIVE_REPLAY range older than the retention',
        'ResourceNotFoundException',
        404,
        /oldest retained fragment.*DataRetentionInHours 2/,
        { StreamName: 'cam-short', PlaybackMode: 'LIVE_REPLAY', [selector]: range(-20 * HOUR, -3 * HOUR) },
      ],
      [
        'a range older than the stream',
        'ResourceNotFoundException',
        404,
        /oldest retained fragment/,
        { StreamName: 'cam-new', PlaybackMode: 'ON_DEMAND', [selector]: range(-HOUR, -20 * MINUTE) },
      ],
    ])('answers %s with %s', async (_case, name, status, message, input) => {
      const err = await errorOf(call(input));
      expect(err).toMatchObject({ name, status });
      expect(err.message).toMatch(message);
    });

    it('accepts a range that overlaps the retention window', async () => {
      await expect(
        call({ StreamName: 'cam-short', PlaybackMode: 'ON_DEMAND', [selector]: range(-3 * HOUR, -HOUR) }),
      ).resolves.toBeDefined();
    });

    it('accepts a producer-timestamp range ending in the future', async () => {
      const input = {
        StreamName: 'cam-1',
        PlaybackMode: 'ON_DEMAND',
        [selector]: { FragmentSelectorType: 'PRODUCER_TIMESTAMP', ...range(-HOUR, HOUR) },
      };
      await expect(call(input)).resolves.toBeDefined();
    });
  });
});
