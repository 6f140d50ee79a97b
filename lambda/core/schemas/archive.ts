// zod schemas of the archive routes (docs/api.md, "Archive"): the source of truth for the queries' generated JSON
// Schemas (request-schemas.ts, which lambda/core/archive.ts checks queries against) and for the OpenAPI document.
// No Lambda imports this file's values (a test keeps zod out of the bundles); types are free: `import type`.
import * as z from 'zod';
import {
  IMAGES_DEFAULT_INTERVAL_MS,
  IMAGES_DEFAULT_MAX_RESULTS,
  IMAGES_DEFAULT_WIDTH,
  IMAGES_MAX_HEIGHT,
  IMAGES_MAX_RANGE_MS,
  IMAGES_MAX_RESULTS,
  IMAGES_MAX_WIDTH,
  IMAGES_MIN_INTERVAL_MS,
  TIMELINE_DEFAULT_GAP_MS,
  TIMELINE_MAX_GAP_MS,
} from '../archive-limits';

const isoWithZone = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone' });
const integer = (min: number, max: number) =>
  z
    .number({ error: 'must be an integer' })
    .int({ error: 'must be an integer' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

export const timelineQuerySchema = z.object({
  from: isoWithZone,
  to: isoWithZone.meta({ description: 'After from, at most 24 h after it' }),
  gapMs: integer(0, TIMELINE_MAX_GAP_MS)
    .optional()
    .meta({ description: `Gaps shorter than this are merged; default ${TIMELINE_DEFAULT_GAP_MS}` }),
});

export const imagesQuerySchema = z.object({
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
    .regex(/^[a-zA-Z0-9+/]+={0,2}$/, { error: 'must be the nextToken of a previous answer' })
    .optional(),
});

export const clipQuerySchema = z.object({
  from: isoWithZone,
  to: isoWithZone.meta({ description: 'After from, at most 1 h after it' }),
});

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

export type TimelineQuery = z.output<typeof timelineQuerySchema>;
export type ImagesQuery = z.output<typeof imagesQuerySchema>;
export type ClipQuery = z.output<typeof clipQuerySchema>;
