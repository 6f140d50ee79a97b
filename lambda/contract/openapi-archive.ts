// The archive operations of the OpenAPI document (docs/api.md, "Archive"): their query parameters and their 200s.
// Build time only, like openapi.ts.
import type * as z from 'zod';
import {
  clipQuerySchema,
  imagesQuerySchema,
  imagesSchema,
  timelineQuerySchema,
  timelineSchema,
} from '../core/schemas/archive';
import { streamNameSchema } from '../core/schemas/session';

/** How the document writes a zod schema as JSON Schema: as the broker reads it, and as it answers. */
export interface JsonSchemas {
  input(schema: z.ZodType): Record<string, unknown>;
  output(schema: z.ZodType): Record<string, unknown>;
}

const noStore = { 'Cache-Control': { $ref: '#/components/headers/CacheControl' } };

/** An archive route: the stream in the path, its query parameters, and its 200. */
function archiveDetails(
  schemas: JsonSchemas,
  query: z.ZodObject,
  ok: Record<string, unknown>,
): Record<string, unknown> {
  const properties = schemas.input(query).properties as Record<string, Record<string, unknown>>;
  const required = ['from', 'to'];
  return {
    parameters: [
      { name: 'streamName', in: 'path', required: true, schema: schemas.input(streamNameSchema) },
      ...Object.entries(properties).map(([name, schema]) => ({
        name,
        in: 'query',
        required: required.includes(name),
        schema,
      })),
    ],
    ok,
  };
}

/** Inputs and 200 of getTimeline, getImages and getClip. */
export function archiveOperationDetails(
  operationId: 'getTimeline' | 'getImages' | 'getClip',
  schemas: JsonSchemas,
): Record<string, unknown> {
  switch (operationId) {
    case 'getTimeline':
      return archiveDetails(schemas, timelineQuerySchema, {
        description: 'Intervals with media, sorted; truncated: complete up to `to`, continue from there',
        headers: noStore,
        schema: '#/components/schemas/Timeline',
      });
    case 'getImages':
      return archiveDetails(schemas, imagesQuerySchema, {
        description: 'One page of images; per-image NO_MEDIA or MEDIA_ERROR',
        headers: noStore,
        schema: '#/components/schemas/Images',
      });
    case 'getClip':
      return archiveDetails(schemas, clipQuerySchema, {
        description: 'The MP4 file (GetClip: at most 200 fragments or 100 MB), streamed, as an attachment',
        headers: { 'Content-Disposition': { schema: { type: 'string' } } },
        schema: undefined,
        contentType: 'video/mp4',
      });
  }
}

/** The archive answers' component schemas. */
export function archiveComponentSchemas(schemas: JsonSchemas): Record<string, unknown> {
  return { Timeline: schemas.output(timelineSchema), Images: schemas.output(imagesSchema) };
}
