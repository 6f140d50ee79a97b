// Every request input the API checks, by the name of its generated JSON Schema: `npm run schemas` writes each into
// lambda/core/request-schemas.ts (as `export const <NAME>`), which the pure parse functions check input against
// (lambda/core/input.ts). Add a route's body, query or path schema here (docs/ARCHITECTURE.md, "To add a request
// schema"); test/lambda/core/request-schemas.test.ts then compares its answers with zod's on its own.
import type * as z from 'zod';
import { clipQuerySchema, imagesQuerySchema, timelineQuerySchema } from './archive';
import { listQuerySchema } from './discovery';
import { sessionRequestBodySchema, streamNameSchema } from './session';

/** Which side of each schema is checked: a request's input (defaults optional, filled in by the check). */
export const REQUEST_SCHEMAS = {
  STREAM_NAME_SCHEMA: streamNameSchema,
  SESSION_REQUEST_SCHEMA: sessionRequestBodySchema,
  LIST_QUERY_SCHEMA: listQuerySchema,
  TIMELINE_QUERY_SCHEMA: timelineQuerySchema,
  IMAGES_QUERY_SCHEMA: imagesQuerySchema,
  CLIP_QUERY_SCHEMA: clipQuerySchema,
} satisfies Record<string, z.ZodType>;

export type RequestSchemaName = keyof typeof REQUEST_SCHEMAS;
