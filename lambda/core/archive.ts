// The archive routes (docs/api.md, "Archive"): which grants reveal recorded media and how much of a range they
// cover, and the query rules of GET /v1/streams/{streamName}/timeline, /images and /clip (zod, strict).
import * as z from 'zod';
import { BrokerError } from './errors';
import { matchesStream, type Grant } from './grants';
import { parseStreamName } from './request';

/** Modes whose grant reveals recorded media: a live-only grant shows no archive. */
export const ARCHIVE_MODES = ['ON_DEMAND', 'LIVE_REPLAY'] as const;

export const TIMELINE_MAX_RANGE_MS = 24 * 3_600_000;
export const TIMELINE_DEFAULT_GAP_MS = 2000;
export const TIMELINE_MAX_GAP_MS = 60_000;
/** GetImages: EndTimestamp at most 300 s after StartTimestamp (SDK model, GetImagesInput). */
export const IMAGES_MAX_RANGE_MS = 300_000;
/** GetImages: SamplingInterval at least 200 ms (SDK model); at most the range, which then gives one image. */
export const IMAGES_MIN_INTERVAL_MS = 200;
export const IMAGES_DEFAULT_INTERVAL_MS = 3000;
/** GetImages: WidthPixels 1..3840, HeightPixels 1..2160 (SDK model ranges). */
export const IMAGES_MAX_WIDTH = 3840;
export const IMAGES_MAX_HEIGHT = 2160;
export const IMAGES_DEFAULT_WIDTH = 320;
/** GetImages: at most 100 images per request (KVS service quotas), 25 per page by default. */
export const IMAGES_MAX_RESULTS = 100;
export const IMAGES_DEFAULT_MAX_RESULTS = 25;
export const CLIP_MAX_RANGE_MS = 3_600_000;

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

// --- query rules ---------------------------------------------------------------------------------------------

const isoWithZone = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone' });
const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

export const timelineQuerySchema = z
  .strictObject({
    from: isoWithZone,
    to: isoWithZone.meta({ description: 'After from, at most 24 h after it' }),
    gapMs: integer(0, TIMELINE_MAX_GAP_MS)
      .optional()
      .meta({ description: `Gaps shorter than this are merged; default ${TIMELINE_DEFAULT_GAP_MS}` }),
  })
  .meta({ id: 'TimelineQuery' });

export const imagesQuerySchema = z
  .strictObject({
    from: isoWithZone,
    to: isoWithZone.meta({ description: 'Not before from, at most 300 s after it (a KVS limit)' }),
    intervalMs: integer(IMAGES_MIN_INTERVAL_MS, IMAGES_MAX_RANGE_MS)
      .optional()
      .meta({ description: `Sampling interval; default ${IMAGES_DEFAULT_INTERVAL_MS}` }),
    format: z.enum(['JPEG', 'PNG']).optional().meta({ description: 'Default JPEG' }),
    width: integer(1, IMAGES_MAX_WIDTH)
      .optional()
      .meta({ description: `Default ${IMAGES_DEFAULT_WIDTH} (when height is absent), aspect kept` }),
    height: integer(1, IMAGES_MAX_HEIGHT).optional().meta({ description: 'With width: stretched to both' }),
    quality: integer(1, 100).optional().meta({ description: 'JPEG only; KVS default 80' }),
    maxResults: integer(1, IMAGES_MAX_RESULTS)
      .optional()
      .meta({ description: `Default ${IMAGES_DEFAULT_MAX_RESULTS}` }),
    nextToken: z
      .string()
      .min(1)
      .max(4096)
      .regex(/^[a-zA-Z0-9+/]+={0,2}$/, 'must be the nextToken of a previous answer')
      .optional(),
  })
  .meta({ id: 'ImagesQuery' });

export const clipQuerySchema = z
  .strictObject({
    from: isoWithZone,
    to: isoWithZone.meta({ description: 'After from, at most 1 h after it' }),
  })
  .meta({ id: 'ClipQuery' });

export const timelineSchema = z
  .strictObject({
    streamName: z.string(),
    from: z.iso.datetime(),
    to: z.iso
      .datetime()
      .meta({ description: 'Where the answer is complete (before the asked to when truncated)' }),
    intervals: z.array(z.strictObject({ start: z.iso.datetime(), end: z.iso.datetime() })),
    truncated: z.boolean(),
  })
  .meta({ id: 'Timeline', description: 'Where the archive has media' });

export const imagesSchema = z
  .strictObject({
    streamName: z.string(),
    images: z.array(
      z.union([
        z.strictObject({ timestamp: z.iso.datetime(), contentType: z.string(), data: z.string() }),
        z.strictObject({ timestamp: z.iso.datetime(), error: z.enum(['NO_MEDIA', 'MEDIA_ERROR']) }),
      ]),
    ),
    nextToken: z.string().optional(),
  })
  .meta({ id: 'Images', description: 'Base64 images (Cache-Control: no-store)' });

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

function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const result = schema.safeParse(query ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') throw invalid(issue.keys.join(', '), 'unknown query parameter');
  throw invalid(issue.path.map(String).join('.') || 'query', issue.message);
}

/** from/to as epoch ms, with `to` after (or, `allowEqual`, at) `from` and at most `maxMs` after it. */
function range(q: { from: string; to: string }, maxMs: number, maxText: string, allowEqual = false) {
  const fromMs = Date.parse(q.from);
  const toMs = Date.parse(q.to);
  if (toMs < fromMs || (toMs === fromMs && !allowEqual)) throw invalid('to', 'must be after from');
  if (toMs - fromMs > maxMs) throw invalid('to', `must be within ${maxText} of from`);
  return { fromMs, toMs };
}

export function parseTimelineRequest(streamName: unknown, query: unknown): TimelineRequest {
  const name = parseStreamName(streamName);
  const q = parseQuery(timelineQuerySchema, query);
  return {
    streamName: name,
    ...range(q, TIMELINE_MAX_RANGE_MS, '24 hours'),
    gapMs: q.gapMs ?? TIMELINE_DEFAULT_GAP_MS,
  };
}

export function parseImagesRequest(streamName: unknown, query: unknown): ImagesRequest {
  const name = parseStreamName(streamName);
  const q = parseQuery(imagesQuerySchema, query);
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

export function parseClipRequest(streamName: unknown, query: unknown): ClipRequest {
  const name = parseStreamName(streamName);
  return { streamName: name, ...range(parseQuery(clipQuerySchema, query), CLIP_MAX_RANGE_MS, '1 hour') };
}
