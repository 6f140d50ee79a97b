// The public configuration type (lib/broker-config-input.ts) is written by hand, for its documentation and exact
// types, and tied here to the schema that validates (lambda/core/config.ts): the same fields at every level, the
// same optional ones, the same value types; a typo or a wrong type fails to compile, not only at synth.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import type { z } from 'zod';
import { parseConfig, type configSchema } from '../../lambda/core/config';
import { CONFIG_SCHEMA } from '../../lambda/runtime/config-schema';
import type { BrokerConfigInput } from '../../lib';

type SchemaInput = z.input<typeof configSchema>;
type SchemaOutput = z.output<typeof configSchema>;

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type Mutable<T> = T extends readonly (infer U)[]
  ? Mutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Mutable<T[K]> }
    : T;
type DeepRequired<T> = T extends readonly (infer U)[]
  ? DeepRequired<U>[]
  : T extends object
    ? { [K in keyof T]-?: DeepRequired<Exclude<T[K], undefined>> }
    : T;
/** Every field path, `?` marking an optional one: `api.ipRateLimit?`, `issuers[].audience`. */
type Paths<T, P extends string = ''> = T extends readonly (infer U)[]
  ? Paths<U, `${P}[]`>
  : T extends object
    ? {
        [K in keyof T & string]-?:
          | (undefined extends T[K] ? `${P}${K}?` : `${P}${K}`)
          | Paths<Exclude<T[K], undefined | false>, `${P}${K}.`>;
      }[keyof T & string]
    : never;
// zod types the rate limits' input as unknown (false is preprocessed): its fields are compared on the output side.
type InputPaths<T> = Exclude<Paths<T>, `api.ipRateLimit.${string}` | `api.tokenRateLimit.${string}`>;

// The same value types, once defaults are filled in: the hand type and the schema's output.
export type SameValues = Expect<
  Equal<DeepRequired<Mutable<BrokerConfigInput>>, DeepRequired<Mutable<SchemaOutput>>>
>;
// The same fields at every level, and the same ones optional, as the schema's input.
export type SameFields = Expect<Equal<InputPaths<BrokerConfigInput>, InputPaths<SchemaInput>>>;
// Everything the hand type allows, the schema's input type allows.
export type Accepted = Expect<Mutable<BrokerConfigInput> extends SchemaInput ? true : false>;

const ISSUER = { issuer: 'https://idp.example.com/', jwksUri: 'https://idp.example.com/jwks', audience: 'a' };

/** Every field of the document, set. */
const FULL = {
  issuers: [
    {
      ...ISSUER,
      audienceClaim: 'client_id',
      algorithms: ['ES256'],
      grantsFrom: 'scope',
      grantsClaim: 'kvs',
      scopePrefix: 'video',
      streamPrefix: 'acme-',
      typ: 'at+jwt',
      maxTokenAgeSeconds: 3600,
    },
  ],
  sessions: { defaultExpiresSeconds: 600, maxExpiresSeconds: 1800, capAtTokenExpiry: true },
  streams: ['acme-*'],
  clockToleranceSeconds: 10,
  cors: { allowOrigins: ['https://app.example.com'] },
  api: {
    authorizerCacheTtlSeconds: 60,
    throttlingRateLimit: 10,
    throttlingBurstLimit: 20,
    tokenRateLimit: { limit: 120, windowSeconds: 60 },
    ipRateLimit: { limit: 500, windowSeconds: 300 },
  },
  kvs: { timeoutMs: 2000, maxAttempts: 2, dataEndpointTtlSeconds: 60 },
  limits: { maxGrantsPerToken: 50 },
  metrics: { perStreamDimensions: true },
  local: {
    streams: [{ name: 'acme-1', dataRetentionInHours: 0, mediaType: 'video/h265' }],
    enforceQuotas: false,
    allowedHosts: ['dev.example.test'],
  },
} as const satisfies BrokerConfigInput;

/** Field paths of a document, or of the generated JSON Schema's properties. */
function valuePaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return valuePaths(value[0], `${prefix}[]`);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => [`${prefix}${k}`, ...valuePaths(v, `${prefix}${k}.`)]);
}
function schemaPaths(schema: Record<string, unknown>, prefix = ''): string[] {
  const s =
    (schema.anyOf as Record<string, unknown>[] | undefined)?.find((x) => x.type === 'object') ?? schema;
  if (s.type === 'array') return schemaPaths(s.items as Record<string, unknown>, `${prefix}[]`);
  const properties = (s.properties ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(properties).flatMap(([k, v]) => [
    `${prefix}${k}`,
    ...schemaPaths(v, `${prefix}${k}.`),
  ]);
}

describe('BrokerConfigInput', () => {
  it('names every field the schema has (a document with all of them set parses)', () => {
    expect(valuePaths(FULL).sort()).toEqual(schemaPaths(CONFIG_SCHEMA as Record<string, unknown>).sort());
    expect(() => parseConfig(FULL)).not.toThrow();
  });

  it('refuses at compile time what synth refuses: ipRateLimit "off" or 42, a mistyped field, a bad mode', () => {
    const off: BrokerConfigInput = {
      issuers: [ISSUER],
      // @ts-expect-error 'off' is not false or a rule
      api: { ipRateLimit: 'off' },
    };
    const number: BrokerConfigInput = {
      issuers: [ISSUER],
      // @ts-expect-error 42 is not false or a rule
      api: { ipRateLimit: 42 },
    };
    const typo: BrokerConfigInput = {
      issuers: [ISSUER],
      // @ts-expect-error no field 'session'
      session: { maxExpiresSeconds: 600 },
    };
    const algorithm: BrokerConfigInput = {
      // @ts-expect-error HS256 is never allowed
      issuers: [{ ...ISSUER, algorithms: ['HS256'] }],
    };
    for (const document of [off, number, typo, algorithm]) expect(() => parseConfig(document)).toThrow();
  });

  it('documents every field (TSDoc on each property, shown on hover)', () => {
    const file = new URL('../../lib/broker-config-input.ts', import.meta.url);
    const source = ts.createSourceFile('input.ts', readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const undocumented: string[] = [];
    const visit = (node: ts.Node) => {
      if (ts.isPropertySignature(node) && ts.getJSDocCommentsAndTags(node).length === 0)
        undocumented.push(node.name.getText(source));
      ts.forEachChild(node, visit);
    };
    visit(source);
    expect(undocumented).toEqual([]);
  });
});
