// The body and answer of POST /v1/revocations as zod schemas, for the OpenAPI document only (build time): the broker
// checks the body with parseRevocationRequest (lambda/core/revocation.ts), which states the same rules with messages.
import * as z from 'zod';
import { SUBJECT } from '../revocation';

const subject = (what: string) =>
  z
    .string()
    .regex(SUBJECT)
    .meta({ description: `The ${what}: 1 to 256 printable ASCII characters` });

/** The body of POST /v1/revocations, for the OpenAPI document (parseRevocationRequest applies it, with messages). */
export const revocationRequestSchema = z
  .union([
    z.strictObject({
      sub: subject("subject (sub) of the caller's own issuer"),
      before: z.iso.datetime({ offset: true }).optional().meta({
        description: 'Tokens issued (iat) before this instant are revoked; default now; not in the future',
      }),
    }),
    z.strictObject({ jti: subject("token id (jti) of one token of the caller's own issuer") }),
  ])
  .meta({ id: 'RevocationRequest', description: 'Body of POST /v1/revocations: a sub, or one jti' });

/** The 200 answer of POST /v1/revocations. */
export const revocationSchema = z
  .strictObject({
    revoked: z.union([z.strictObject({ sub: z.string() }), z.strictObject({ jti: z.string() })]),
    before: z.iso.datetime().meta({ description: 'Tokens of the sub issued before this are refused' }),
    keptUntil: z.iso.datetime().meta({
      description: 'When the revocation expires: no token it matches can be accepted after it',
    }),
  })
  .meta({ id: 'Revocation', description: 'A recorded revocation: effective on every instance within 5 s' });
