// The emulator with its real media hook (local/media/emulator-hook.ts), through the real SDK client and HTTP: sessions
// list, serve and meter only what the stream retains, and the media's refusals are the emulator's own KVS errors.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  GetDASHStreamingSessionURLCommand,
  GetHLSStreamingSessionURLCommand,
  type GetDASHStreamingSessionURLCommandInput,
  type GetHLSStreamingSessionURLCommandInput,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { startKvsEmulator, type KvsEmulator, type MediaHook } from '../../../local/emulator/index';
import { emulatorMedia } from '../../../local/media/emulator-hook';
import { loadFixture } from '../../../local/media/fixture';
import { HOUR, MINUTE, NOW, clientsFor, errorOf, manualClock } from '../emulator/support';

const D = loadFixture().fragmentDurationMs;
const clock = manualClock(NOW);
const at = (offsetMs: number) => new Date(NOW + offsetMs);
/** The first fragment starting at or after `timeMs`. */
const fragmentFrom = (timeMs: number) => Math.ceil(timeMs / D);
const ERROR_TYPE_SUFFIX = ':http://internal.amazon.com/coral/com.amazonaws.kinesisvideo/';

let emu: KvsEmulator;
let media: ReturnType<typeof clientsFor>['media'];
let logs: Record<string, unknown>[] = [];

beforeAll(async () => {
  // the hook needs the emulator (to meter bytes), so the emulator gets a forwarder, as local/app.ts does
  const hook: { serve?: MediaHook } = {};
  emu = await startKvsEmulator({
    streams: [
      { name: 'cam-1h', dataRetentionInHours: 1 },
      { name: 'cam-new', creationTime: NOW - 10 * MINUTE },
    ],
    now: clock.now,
    enforceQuotas: false,
    media: (req, res, session, path) => hook.serve!(req, res, session, path),
    log: (line) => logs.push(line as Record<string, unknown>),
  });
  hook.serve = emulatorMedia(clock.now)(emu);
  ({ media } = clientsFor(emu));
});
afterAll(() => emu.close());
beforeEach(() => {
  logs = [];
});

const hls = async (input: GetHLSStreamingSessionURLCommandInput) =>
  (await media.send(new GetHLSStreamingSessionURLCommand(input))).HLSStreamingSessionURL!;
const dash = async (input: GetDASHStreamingSessionURLCommandInput) =>
  (await media.send(new GetDASHStreamingSessionURLCommand(input))).DASHStreamingSessionURL!;

/** The fragment numbers an HLS session's media playlist lists, and their URLs. */
async function hlsFragments(sessionUrl: string): Promise<{ numbers: number[]; urls: string[] }> {
  const master = await (await fetch(sessionUrl)).text();
  const playlistPath = master.split('\n').find((line) => line.startsWith('getHLSMediaPlaylist'))!;
  const playlistUrl = new URL(playlistPath, sessionUrl);
  const playlist = await fetch(playlistUrl);
  expect(playlist.status).toBe(200);
  const urls = (await playlist.text())
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => new URL(line, playlistUrl).href);
  return { numbers: urls.map((u) => Number(new URL(u).searchParams.get('FragmentNumber'))), urls };
}

/** The fragment an MPD lists first: its first S has `t`, and fragment n starts at n x d. */
const firstListed = (mpd: string) => {
  const [, t, d] = /<S t="(\d+)" d="(\d+)"/.exec(mpd) ?? [];
  return Number(BigInt(t!) / BigInt(d!));
};

/** The URL of fragment `n` in the session whose fragment URL is `like`. */
const fragmentUrl = (like: string, n: number | string) => {
  const url = new URL(like);
  url.searchParams.set('FragmentNumber', String(n));
  return url.href;
};

describe('sessions hold only the media the stream retains (max(creation, now - retention)), like KVS', () => {
  it('lists an HLS ON_DEMAND range that began 20 h ago on a 1 h stream from 1 h ago, and serves and meters nothing older', async () => {
    const url = await hls({
      StreamName: 'cam-1h',
      PlaybackMode: 'ON_DEMAND',
      HLSFragmentSelector: {
        TimestampRange: { StartTimestamp: at(-20 * HOUR), EndTimestamp: at(-30 * MINUTE) },
      },
    });
    const { numbers, urls } = await hlsFragments(url);
    expect(numbers[0]).toBe(fragmentFrom(NOW - HOUR));
    expect(numbers).toHaveLength(1000);

    const before = emu.stats().outgoingBytes['cam-1h'] ?? 0;
    for (const n of [fragmentFrom(NOW - 20 * HOUR), fragmentFrom(NOW - HOUR) - 1]) {
      const expired = await fetch(fragmentUrl(urls[0]!, n));
      expect(expired.status).toBe(404);
      await expired.arrayBuffer();
    }
    expect(emu.stats().outgoingBytes['cam-1h'] ?? 0).toBe(before);
    const first = await fetch(urls[0]!);
    expect(first.status).toBe(200);
    expect(emu.stats().outgoingBytes['cam-1h']).toBe(before + (await first.arrayBuffer()).byteLength);
  });

  it('replays a DASH LIVE_REPLAY that began 20 h ago on a 1 h stream from 1 h ago', async () => {
    const url = await dash({
      StreamName: 'cam-1h',
      PlaybackMode: 'LIVE_REPLAY',
      DASHFragmentSelector: { TimestampRange: { StartTimestamp: at(-20 * HOUR) } },
    });
    const mpd = await (await fetch(url)).text();
    expect(firstListed(mpd)).toBe(fragmentFrom(NOW - HOUR));
  });

  it('lists no LIVE fragment older than a stream created 10 minutes ago, however many are asked for', async () => {
    const url = await dash({ StreamName: 'cam-new', MaxManifestFragmentResults: 5000 });
    const mpd = await (await fetch(url)).text();
    expect(firstListed(mpd)).toBe(fragmentFrom(NOW - 10 * MINUTE));
  });

  it('still refuses a range entirely before the retention when the session is requested', async () => {
    const err = await errorOf(
      hls({
        StreamName: 'cam-1h',
        PlaybackMode: 'ON_DEMAND',
        HLSFragmentSelector: {
          TimestampRange: { StartTimestamp: at(-20 * HOUR), EndTimestamp: at(-2 * HOUR) },
        },
      }),
    );
    expect(err).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
  });
});

describe("the media's refusals are the emulator's KVS errors: same wire format, counted and logged", () => {
  it.each([
    [
      'a fragment the session has not listed',
      (n: number) => n - 10,
      404,
      'ResourceNotFoundException',
      /not in this session/,
    ],
    ['a FragmentNumber that is not a number', () => 'abc', 400, 'InvalidArgumentException', /FragmentNumber/],
  ])('answers %s', async (_, fragmentNumber, status, errorType, message) => {
    const url = await hls({ StreamName: 'cam-1h' });
    const { numbers, urls } = await hlsFragments(url);
    logs = [];
    const before = emu.stats();

    const response = await fetch(fragmentUrl(urls[0]!, fragmentNumber(numbers[0]!)));
    expect(response.status).toBe(status);
    expect(response.headers.get('x-amzn-errortype')).toBe(`${errorType}${ERROR_TYPE_SUFFIX}`);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect((await response.json()) as unknown).toEqual({ message: expect.stringMatching(message) });

    const after = emu.stats();
    expect(after.errors[errorType]).toBe((before.errors[errorType] ?? 0) + 1);
    expect(after.outgoingBytes).toEqual(before.outgoingBytes);
    expect(logs).toEqual([
      expect.objectContaining({
        operation: 'GetMP4MediaFragment',
        stream: 'cam-1h',
        status,
        errorType,
      }),
    ]);
  });

  it('counts an empty media playlist (nothing listed yet) as ResourceNotFoundException', async () => {
    // a replay whose first fragment is not complete yet lists nothing
    const url = await hls({
      StreamName: 'cam-1h',
      PlaybackMode: 'LIVE_REPLAY',
      HLSFragmentSelector: { TimestampRange: { StartTimestamp: at(-1) } },
    });
    const master = await (await fetch(url)).text();
    const playlistPath = master.split('\n').find((line) => line.startsWith('getHLSMediaPlaylist'))!;
    const before = emu.stats().errors.ResourceNotFoundException ?? 0;
    logs = [];
    const playlist = await fetch(new URL(playlistPath, url));
    expect(playlist.status).toBe(404);
    expect(playlist.headers.get('access-control-allow-origin')).toBe('*');
    await playlist.arrayBuffer();
    expect(emu.stats().errors.ResourceNotFoundException).toBe(before + 1);
    expect(logs).toEqual([
      expect.objectContaining({ operation: 'GetHLSMediaPlaylist', errorType: 'ResourceNotFoundException' }),
    ]);
  });
});
