// Each default of the configuration is written once (docs/configuration.md's defaults): a section that may be left
// out is `.prefault({})`, filled in by its fields' own defaults, never `.default({...})` repeating them, where a
// change to one copy would leave the other behind.
import { describe, expect, it } from '@jest/globals';
import type * as z from 'zod';
import { configSchema, parseConfig } from '../../../lambda/core/config';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  defaultValue?: unknown;
}

const def = (schema: z.ZodType) => schema._zod.def as unknown as Def;

/** The object a schema stands for once defaults, optionality and pipes are looked through, if any. */
function objectInside(schema: z.ZodType): boolean {
  const d = def(schema);
  if (d.type === 'object') return true;
  const inner = d.innerType ?? d.out;
  return inner ? objectInside(inner) : false;
}

/** Every default and prefault in the schema, with its field path and value. */
function defaults(
  schema: z.ZodType,
  path: string,
): { path: string; kind: string; value: unknown; object: boolean }[] {
  const d = def(schema);
  const own =
    d.type === 'default' || d.type === 'prefault'
      ? [{ path, kind: d.type, value: d.defaultValue, object: objectInside(d.innerType!) }]
      : [];
  const children: [string, z.ZodType][] = [
    ...Object.entries(d.shape ?? {}).map(([k, v]) => [`${path}.${k}`, v] as [string, z.ZodType]),
    ...[d.innerType, d.in, d.out].filter((s) => s !== undefined).map((s) => [path, s] as [string, z.ZodType]),
    ...(d.element ? [[`${path}[]`, d.element] as [string, z.ZodType]] : []),
    ...(d.options ?? []).map((s) => [path, s] as [string, z.ZodType]),
  ];
  return [...own, ...children.flatMap(([p, s]) => defaults(s, p))];
}

describe('configuration defaults', () => {
  const all = defaults(configSchema, 'config');

  it('fill a left-out section from its fields: each section is .prefault({}), not a copy of its fields', () => {
    const sections = all.filter((d) => d.object);
    expect(sections.map((d) => d.path)).toEqual(
      expect.arrayContaining(['config.sessions', 'config.cors', 'config.api', 'config.kvs', 'config.limits']),
    );
    for (const section of sections) expect(section).toEqual({ ...section, kind: 'prefault', value: {} });
  });

  it('are found by this walk (so the rule above is not vacuous): scalars and lists have their own', () => {
    expect(all.filter((d) => !d.object).length).toBeGreaterThan(15);
  });

  it('give a document that leaves every section out what the same sections written empty give', () => {
    const issuer = {
      issuer: 'https://idp.example.com/',
      jwksUri: 'https://idp.example.com/jwks',
      audience: 'a',
    };
    const sections = Object.fromEntries(
      all.filter((d) => d.object).map((d) => [d.path.split('.').at(-1), {}]),
    );
    expect(parseConfig({ issuers: [issuer] })).toEqual(parseConfig({ issuers: [issuer], ...sections }));
    expect(parseConfig({ issuers: [issuer] }).sessions).toEqual({
      defaultExpiresSeconds: 300,
      maxExpiresSeconds: 3600,
      capAtTokenExpiry: false,
    });
  });
});
