// zod schemas of GET /v1/streams (docs/api.md): the source of truth for the query's generated JSON Schema
// (request-schemas.ts, which lambda/core/discovery.ts checks queries against) and for the OpenAPI document.
// No Lambda imports this file's values (a test keeps zod out of the bundles); types are free: `import type`.
import * as z from 'zod';
import { PLAYBACK_MODES, PROTOCOLS } from '../config-rules';

/** Bounds of the `limit` query parameter (docs/api.md). */
export const LIST_LIMIT = { min: 1, max: 1000, default: 100 } as const;

/** The query of GET /v1/streams, as documented; query values are text, read as the schema's types. */
export const listQuerySchema = z.object({
  limit: z
    .number({ error: `must be an integer from ${LIST_LIMIT.min} to ${LIST_LIMIT.max}` })
    .int()
    .min(LIST_LIMIT.min)
    .max(LIST_LIMIT.max)
    .default(LIST_LIMIT.default),
  nextToken: z.string().meta({ description: 'The nextToken of the previous page' }).optional(),
});

const catalogEntrySchema = z.strictObject({
  streamName: z.string(),
  modes: z.array(z.enum(PLAYBACK_MODES)),
  protocols: z.array(z.enum(PROTOCOLS)),
});

/** The 200 answer of GET /v1/streams. */
export const catalogPageSchema = z
  .strictObject({
    streams: z.array(catalogEntrySchema),
    nextToken: z.string().optional(),
    truncated: z.literal(true).optional().meta({
      description:
        "The caller's grants need more stream listings than one request may make: this page holds what fit, and nextToken continues",
    }),
  })
  .meta({ id: 'StreamList', description: 'One page, sorted by streamName' });

export type CatalogEntry = z.output<typeof catalogEntrySchema>;
export type CatalogPage = z.output<typeof catalogPageSchema>;
