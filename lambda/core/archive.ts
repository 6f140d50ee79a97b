// The archive routes (docs/api.md, "Archive"): which grants reveal recorded media and how much of a range they
// cover, and the query rules of GET /v1/streams/{streamName}/timeline, /images and /clip (zod, strict).
import { BrokerError } from './errors';
import { matchesStream, type Grant } from './grants';
import {
  CLIP_MAX_RANGE_MS,
  IMAGES_DEFAULT_INTERVAL_MS,
  IMAGES_DEFAULT_MAX_RESULTS,
  IMAGES_DEFAULT_WIDTH,
  IMAGES_MAX_RANGE_MS,
  ARCHIVE_MODES,
  TIMELINE_DEFAULT_GAP_MS,
  TIMELINE_MAX_RANGE_MS,
} from './archive-limits';
import { checkedQuery } from './input';
import { parseStreamName } from './request';
import { CLIP_QUERY_SCHEMA, IMAGES_QUERY_SCHEMA, TIMELINE_QUERY_SCHEMA } from './request-schemas';
import type { ClipQuery, ImagesQuery, TimelineQuery } from './schemas/archive';

export * from './archive-limits';

export interface ArchiveWindow {
  fromMs: number;
  toMs: number;
}

/**
 * The part of [fromMs, toMs] that the token's archive grants on the stream cover: the widest piece one grant's
 * window covers (a grant without a window covers it all). Undefined when no archive grant covers any of it.
 */
export function archiveWindow(
  grants: readonly Grant[],
  streamName: string,
  range: ArchiveWindow,
): ArchiveWindow | undefined {
  let best: ArchiveWindow | undefined;
  for (const grant of grants) {
    if (!matchesStream(grant.stream, streamName)) continue;
    if (!grant.modes.some((m) => (ARCHIVE_MODES as readonly string[]).includes(m))) continue;
    const fromMs = Math.max(range.fromMs, grant.from === undefined ? -Infinity : grant.from * 1000);
    const toMs = Math.min(range.toMs, grant.to === undefined ? Infinity : grant.to * 1000);
    if (toMs < fromMs || (toMs === fromMs && range.toMs > range.fromMs)) continue;
    if (!best || toMs - fromMs > best.toMs - best.fromMs) best = { fromMs, toMs };
  }
  return best;
}

/** archiveWindow, or 403 FORBIDDEN before any KVS call. */
export function requireArchiveWindow(
  grants: readonly Grant[],
  streamName: string,
  range: ArchiveWindow,
): ArchiveWindow {
  const window = archiveWindow(grants, streamName, range);
  if (!window) {
    throw new BrokerError(
      'FORBIDDEN',
      'No grant with mode ON_DEMAND or LIVE_REPLAY covers this stream in the requested range',
    );
  }
  return window;
}

export interface TimelineRequest extends ArchiveWindow {
  streamName: string;
  gapMs: number;
}

export interface ImagesRequest extends ArchiveWindow {
  streamName: string;
  intervalMs: number;
  format: 'JPEG' | 'PNG';
  width?: number;
  height?: number;
  quality?: number;
  maxResults: number;
  nextToken?: string;
}

export type ClipRequest = ArchiveWindow & { streamName: string };

function invalid(field: string, message: string): BrokerError {
  return new BrokerError('INVALID_REQUEST', `${field}: ${message}`);
}

type Query = Readonly<Record<string, string | undefined>> | null | undefined;

/** from/to as epoch ms, with `to` after (or, `allowEqual`, at) `from` and at most `maxMs` after it. */
function range(q: { from: string; to: string }, maxMs: number, maxText: string, allowEqual = false) {
  const fromMs = Date.parse(q.from);
  const toMs = Date.parse(q.to);
  if (toMs < fromMs || (toMs === fromMs && !allowEqual)) throw invalid('to', 'must be after from');
  if (toMs - fromMs > maxMs) throw invalid('to', `must be within ${maxText} of from`);
  return { fromMs, toMs };
}

export function parseTimelineRequest(streamName: unknown, query: Query): TimelineRequest {
  const name = parseStreamName(streamName);
  const q = checkedQuery<TimelineQuery>(TIMELINE_QUERY_SCHEMA, query);
  return {
    streamName: name,
    ...range(q, TIMELINE_MAX_RANGE_MS, '24 hours'),
    gapMs: q.gapMs ?? TIMELINE_DEFAULT_GAP_MS,
  };
}

export function parseImagesRequest(streamName: unknown, query: Query): ImagesRequest {
  const name = parseStreamName(streamName);
  const q = checkedQuery<ImagesQuery>(IMAGES_QUERY_SCHEMA, query);
  const format = q.format ?? 'JPEG';
  if (q.quality !== undefined && format !== 'JPEG') throw invalid('quality', 'only allowed with format JPEG');
  return {
    streamName: name,
    ...range(q, IMAGES_MAX_RANGE_MS, '300 seconds', true),
    intervalMs: q.intervalMs ?? IMAGES_DEFAULT_INTERVAL_MS,
    format,
    ...(q.width !== undefined || q.height === undefined ? { width: q.width ?? IMAGES_DEFAULT_WIDTH } : {}),
    ...(q.height !== undefined ? { height: q.height } : {}),
    ...(q.quality !== undefined ? { quality: q.quality } : {}),
    maxResults: q.maxResults ?? IMAGES_DEFAULT_MAX_RESULTS,
    ...(q.nextToken !== undefined ? { nextToken: q.nextToken } : {}),
  };
}

export function parseClipRequest(streamName: unknown, query: Query): ClipRequest {
  const name = parseStreamName(streamName);
  return {
    streamName: name,
    ...range(checkedQuery<ClipQuery>(CLIP_QUERY_SCHEMA, query), CLIP_MAX_RANGE_MS, '1 hour'),
  };
}
