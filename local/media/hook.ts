// The media hook the KVS emulator calls for GET /dash/v1/* and /hls/v1/*, once it has verified the session token.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { KVS_PLAYBACK_BYTE_METRICS, type KvsPlaybackByteMetric } from '../../lambda/core/telemetry';
import { buildDashManifest } from './dash';
import { loadFixture, type MediaFixture } from './fixture';
import { mp4MediaFragment, tsFragment } from './fragments';
import { buildHlsMasterPlaylist, buildHlsMediaPlaylist } from './hls';
import type { ManifestInput } from './manifest';
import { DASH_PATH_PREFIX, HLS_PATH_PREFIX, Resource, VIDEO_TRACK_NUMBER } from './resources';
import type { MediaProtocol, MediaSession } from './session';
import { fragmentOfSequence, isServable, sessionFragments, type SessionFragments } from './timeline';

/** KVS's playback byte metrics (AWS/KinesisVideo, per stream), named once in lambda/core/telemetry.ts. Only media fragments count. */
export type OutgoingBytesMetric = KvsPlaybackByteMetric;
/** The byte metric of each fragment resource: its KVS operation's name (the first letter upper case) and `.OutgoingBytes`. */
function outgoingBytesMetric(isTs: boolean): OutgoingBytesMetric {
  const metric = KVS_PLAYBACK_BYTE_METRICS.find((m) =>
    m.startsWith(isTs ? 'GetTSFragment.' : 'GetMP4MediaFragment.'),
  );
  if (metric === undefined)
    throw new Error('lambda/core/telemetry.ts names no byte metric for this fragment');
  return metric;
}

export interface MediaHookOptions {
  /** The emulator's wall clock, epoch milliseconds. */
  readonly now: () => number;
  /** Told the size of every media fragment served. @default not recorded */
  readonly recordOutgoingBytes?: (stream: string, bytes: number, metric: OutgoingBytesMetric) => void;
  /** @default the committed fixture, loaded once when the hook is created */
  readonly fixture?: MediaFixture;
}

/**
 * `path` is the request's URL path (`/dash/v1/getDASHManifest.mpd`) or just its last segment. Rejects with a
 * MediaError for a request KVS would refuse (nothing has been written then), and with anything else on a bug.
 */
export type MediaHook = (
  req: IncomingMessage,
  res: ServerResponse,
  session: MediaSession,
  path: string,
) => Promise<void>;

const CONTENT_TYPE = {
  mpd: 'application/dash+xml',
  m3u8: 'application/vnd.apple.mpegurl',
  mp4: 'video/mp4',
  ts: 'video/mp2t',
} as const;

/**
 * A KVS error the hook answers a request with. The hook does not write it: it rejects with it, and the
 * caller (the KVS emulator, through local/media/emulator-hook.ts) writes it as the KVS error it names, with
 * its status and a JSON message, and counts it.
 */
export class MediaError extends Error {
  override readonly name = 'MediaError';

  constructor(
    readonly status: 400 | 404,
    readonly type: 'InvalidArgumentException' | 'ResourceNotFoundException',
    message: string,
  ) {
    super(message);
  }
}

function send(
  res: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: string | Uint8Array,
): number {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, {
    ...headers,
    'Content-Length': String(bytes.length),
    // players load these from the app's origin
    'Access-Control-Allow-Origin': '*',
  });
  res.end(bytes);
  return bytes.length;
}

/** The resource a path names, and which protocol's folder it is in (the session's, for a bare name). */
function parsePath(path: string, session: MediaSession): { protocol: MediaProtocol; resource: string } {
  for (const [prefix, protocol] of [
    [DASH_PATH_PREFIX, 'DASH'],
    [HLS_PATH_PREFIX, 'HLS'],
  ] as const) {
    const at = path.indexOf(prefix);
    if (at >= 0) return { protocol, resource: path.slice(at + prefix.length) };
  }
  return { protocol: session.protocol, resource: path.includes('/') ? '' : path };
}

/** The resources a session offers: its protocol's manifest(s), and its container's fragments. */
function offeredResources(session: MediaSession): readonly string[] {
  if (session.protocol === 'DASH') {
    return [Resource.GetDASHManifest, Resource.GetMP4InitFragment, Resource.GetMP4MediaFragment];
  }
  return session.containerFormat === 'MPEG_TS'
    ? [Resource.GetHLSMasterPlaylist, Resource.GetHLSMediaPlaylist, Resource.GetTSFragment]
    : [
        Resource.GetHLSMasterPlaylist,
        Resource.GetHLSMediaPlaylist,
        Resource.GetMP4InitFragment,
        Resource.GetMP4MediaFragment,
      ];
}

function fragmentNumberParam(params: URLSearchParams): number {
  const value = params.get('FragmentNumber');
  const number = value !== null && /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number)) {
    throw new MediaError(
      400,
      'InvalidArgumentException',
      'FragmentNumber must be a fragment number from the manifest',
    );
  }
  return number;
}

function checkTrackNumber(params: URLSearchParams): void {
  const track = params.get('TrackNumber');
  if (track !== null && track !== VIDEO_TRACK_NUMBER) {
    throw new MediaError(404, 'ResourceNotFoundException', `The stream has no track ${track}.`);
  }
}

const NO_FRAGMENTS = 'No fragments found in the stream for the streaming request.';

/** A media fragment of the session, metered as KVS meters its OutgoingBytes. */
function serveMediaFragment(
  req: IncomingMessage,
  res: ServerResponse,
  resource: typeof Resource.GetMP4MediaFragment | typeof Resource.GetTSFragment,
  c: {
    params: URLSearchParams;
    session: MediaSession;
    fragments: SessionFragments;
    fixture: MediaFixture;
    options: MediaHookOptions;
  },
): void {
  checkTrackNumber(c.params);
  const number = fragmentNumberParam(c.params);
  // DASH numbers fragments in the session ($Number$, see dash.ts), HLS URLs carry the fragment number itself
  const fragmentNumber =
    c.session.protocol === 'DASH'
      ? fragmentOfSequence(c.session, c.fragments, c.fixture.fragmentDurationMs, number)
      : number;
  // not listed by the session (yet), or in a recording gap: KVS holds no such fragment
  if (fragmentNumber === undefined || !isServable(c.fragments, fragmentNumber)) {
    throw new MediaError(404, 'ResourceNotFoundException', `Fragment ${number} is not in this session.`);
  }
  const isTs = resource === Resource.GetTSFragment;
  const bytes = isTs ? tsFragment(c.fixture, fragmentNumber) : mp4MediaFragment(c.fixture, fragmentNumber);
  const sent = send(res, 200, { 'Content-Type': isTs ? CONTENT_TYPE.ts : CONTENT_TYPE.mp4 }, bytes);
  // a HEAD answer carries no body, so no bytes go out
  if (req.method !== 'HEAD') {
    c.options.recordOutgoingBytes?.(c.session.streamName, sent, outgoingBytesMetric(isTs));
  }
}

/**
 * Serves a session's manifest, playlists, init fragment and media fragments from the looped fixture.
 * Every response it writes allows any origin. A fragment the session has not listed is a 404
 * ResourceNotFoundException, like KVS, thrown as a MediaError for the caller to answer; only media
 * fragments are reported to `recordOutgoingBytes`.
 */
export function createMediaHook(options: MediaHookOptions): MediaHook {
  const fixture = options.fixture ?? loadFixture();

  return async (req, res, session, path) => {
    const params = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const { protocol, resource } = parsePath(path, session);
    if (protocol !== session.protocol || !offeredResources(session).includes(resource)) {
      throw new MediaError(
        404,
        'ResourceNotFoundException',
        `This ${session.protocol} session has no ${path}.`,
      );
    }
    const nowMs = options.now();
    const fragments = sessionFragments(session, fixture.fragmentDurationMs, nowMs);
    const input: ManifestInput = {
      session,
      sessionToken: params.get('SessionToken') ?? '',
      nowMs,
      fragments,
      media: fixture,
    };
    const noCache = { 'Cache-Control': 'no-cache' };

    switch (resource) {
      case Resource.GetDASHManifest:
        if (fragments.listed.length === 0) {
          throw new MediaError(404, 'ResourceNotFoundException', NO_FRAGMENTS);
        }
        send(res, 200, { 'Content-Type': CONTENT_TYPE.mpd, ...noCache }, buildDashManifest(input));
        return;
      case Resource.GetHLSMasterPlaylist:
        send(res, 200, { 'Content-Type': CONTENT_TYPE.m3u8, ...noCache }, buildHlsMasterPlaylist(input));
        return;
      case Resource.GetHLSMediaPlaylist:
        checkTrackNumber(params);
        if (fragments.listed.length === 0) {
          throw new MediaError(404, 'ResourceNotFoundException', NO_FRAGMENTS);
        }
        send(res, 200, { 'Content-Type': CONTENT_TYPE.m3u8, ...noCache }, buildHlsMediaPlaylist(input));
        return;
      case Resource.GetMP4InitFragment:
        checkTrackNumber(params);
        send(res, 200, { 'Content-Type': CONTENT_TYPE.mp4 }, fixture.init);
        return;
      case Resource.GetMP4MediaFragment:
      case Resource.GetTSFragment:
        serveMediaFragment(req, res, resource, { params, session, fragments, fixture, options });
        return;
    }
  };
}
