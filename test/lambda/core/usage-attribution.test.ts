// The attribution arithmetic of the usage report: each stream's bytes shared by session-seconds, exactly.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  attribute,
  costOf,
  splitProportionally,
  type SessionRow,
} from '../../../lambda/core/usage-attribution';

const STREAMS = ['cam-1', 'cam-2', 'cam-3'];
const row = fc.record({
  issuer: fc.constantFrom('https://idp.example.com/', 'kvs-session-broker-dev'),
  sub: fc.constantFrom('alice', 'bob', 'carol', 'dave'),
  tenant: fc.constantFrom('acme-', 'https://idp.example.com/'),
  stream: fc.constantFrom(...STREAMS),
  sessions: fc.integer({ min: 1, max: 1000 }),
  sessionSeconds: fc.integer({ min: 0, max: 43200 * 1000 }),
});
const bytes = fc.record(
  Object.fromEntries(STREAMS.map((s) => [s, fc.integer({ min: 0, max: 2 ** 50 })])),
) as fc.Arbitrary<Record<string, number>>;

describe('splitProportionally', () => {
  it('splits 10 bytes 1:1:1 as 4, 3, 3 (the unit left goes to the earliest largest remainder)', () => {
    expect(splitProportionally(10n, [1n, 1n, 1n])).toEqual([4n, 3n, 3n]);
    expect(splitProportionally(10n, [0n, 0n])).toEqual([0n, 0n]);
    expect(splitProportionally(7n, [3n, 0n, 1n])).toEqual([5n, 0n, 2n]);
    // floors 1, 1, 2, 0, 0 and remainders 2, 8, 4, 6, 0 (tenths): the two units left go to the 8 and the 6
    expect(splitProportionally(6n, [2n, 3n, 4n, 1n, 0n])).toEqual([1n, 2n, 2n, 1n, 0n]);
  });

  it('gives one unit to the first of equal weights, and splits a total under one unit into nothing', () => {
    expect(splitProportionally(1n, [1n, 1n])).toEqual([1n, 0n]);
    expect(splitProportionally(0n, [1n, 2n])).toEqual([0n, 0n]);
    expect(splitProportionally(-10n, [1n, 1n, 1n])).toEqual([0n, 0n, 0n]);
  });

  it('parts sum to the total, none negative, none off its exact share by a unit or more (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 18n }),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: 1, maxLength: 20 }),
        (total, weights) => {
          const parts = splitProportionally(total, weights);
          const sum = weights.reduce((a, b) => a + b, 0n);
          if (sum === 0n) return expect(parts.every((p) => p === 0n)).toBe(true);
          expect(parts.reduce((a, b) => a + b, 0n)).toBe(total);
          parts.forEach((p, i) => {
            expect(p >= 0n).toBe(true);
            // |p - total*w/sum| < 1, in integers: |p*sum - total*w| < sum
            const diff = p * sum - total * weights[i]!;
            expect(diff < sum && -diff < sum).toBe(true);
            if (weights[i] === 0n) expect(p).toBe(0n);
          });
        },
      ),
    );
  });
});

describe('attribute', () => {
  it('shares a stream by session-seconds, labels the rest unattributed, and sums per tenant', () => {
    const rows: SessionRow[] = [
      { issuer: 'i', sub: 'alice', tenant: 't1', stream: 'cam-1', sessions: 1, sessionSeconds: 300 },
      { issuer: 'i', sub: 'bob', tenant: 't2', stream: 'cam-1', sessions: 2, sessionSeconds: 900 },
      { issuer: 'i', sub: 'bob', tenant: 't2', stream: 'cam-2', sessions: 1, sessionSeconds: 300 },
    ];
    const a = attribute({ 'cam-1': 1000, 'cam-2': 500, 'cam-9': 77 }, rows);
    expect(a.streams).toEqual([
      { stream: 'cam-1', bytes: 1000, sessions: 3, sessionSeconds: 1200, unattributedBytes: 0 },
      { stream: 'cam-2', bytes: 500, sessions: 1, sessionSeconds: 300, unattributedBytes: 0 },
      { stream: 'cam-9', bytes: 77, sessions: 0, sessionSeconds: 0, unattributedBytes: 77 },
    ]);
    expect(a.principals).toEqual([
      {
        issuer: 'i',
        sub: 'bob',
        tenant: 't2',
        sessions: 3,
        sessionSeconds: 1200,
        bytes: 1250,
        bytesByStream: { 'cam-1': 750, 'cam-2': 500 },
      },
      {
        issuer: 'i',
        sub: 'alice',
        tenant: 't1',
        sessions: 1,
        sessionSeconds: 300,
        bytes: 250,
        bytesByStream: { 'cam-1': 250 },
      },
    ]);
    expect(a.tenants).toEqual([
      { tenant: 't2', principals: 1, sessions: 3, sessionSeconds: 1200, bytes: 1250 },
      { tenant: 't1', principals: 1, sessions: 1, sessionSeconds: 300, bytes: 250 },
    ]);
  });

  it('shares by sessions only when no session on the stream has seconds', () => {
    const on = (sub: string, sessions: number, sessionSeconds: number): SessionRow => ({
      issuer: 'i',
      sub,
      tenant: 't',
      stream: 'cam-1',
      sessions,
      sessionSeconds,
    });
    const bytesOf = (rows: SessionRow[]) =>
      Object.fromEntries(attribute({ 'cam-1': 400 }, rows).principals.map((p) => [p.sub, p.bytes]));
    expect(bytesOf([on('a', 5, 0), on('b', 1, 100)])).toEqual({ a: 0, b: 400 });
    expect(bytesOf([on('a', 1, 0), on('b', 3, 0)])).toEqual({ a: 100, b: 300 });
  });

  it('counts what is not a whole non-negative number (negative, NaN, infinite) as 0, and rounds decimals', () => {
    const a = attribute(
      { 'cam-1': -5, 'cam-2': Number.NaN, 'cam-3': Number.POSITIVE_INFINITY, 'cam-4': 2.6 },
      [
        { issuer: 'i', sub: 'a', tenant: 't', stream: 'cam-4', sessions: -1, sessionSeconds: 1.4 },
        { issuer: 'i', sub: 'b', tenant: 't', stream: 'cam-4', sessions: Number.NaN, sessionSeconds: -100 },
      ],
    );
    expect(a.streams.map((s) => [s.stream, s.bytes, s.sessions, s.sessionSeconds])).toEqual([
      ['cam-4', 3, 0, 1],
      ['cam-1', 0, 0, 0],
      ['cam-2', 0, 0, 0],
      ['cam-3', 0, 0, 0],
    ]);
    expect(a.principals.map((p) => [p.sub, p.bytes, p.sessions, p.sessionSeconds])).toEqual([
      ['a', 3, 0, 1],
      ['b', 0, 0, 0],
    ]);
  });

  it('lists streams, principals and tenants by bytes, most first, then by name', () => {
    const rows: SessionRow[] = ['cam-1', 'cam-2', 'cam-3'].map((stream, i) => ({
      issuer: 'i',
      sub: `p${2 - i}`,
      tenant: `t${2 - i}`,
      stream,
      sessions: 1,
      sessionSeconds: 60,
    }));
    const a = attribute({ 'cam-3': 5, 'cam-2': 5, 'cam-1': 1, 'cam-0': 0 }, rows);
    expect(a.streams.map((s) => s.stream)).toEqual(['cam-2', 'cam-3', 'cam-1', 'cam-0']);
    expect(a.principals.map((p) => p.sub)).toEqual(['p0', 'p1', 'p2']);
    expect(a.tenants.map((t) => t.tenant)).toEqual(['t0', 't1', 't2']);
  });

  it("every stream's shares and unattributed bytes sum to its bytes, and nothing is negative (property)", () => {
    fc.assert(
      fc.property(bytes, fc.array(row, { maxLength: 30 }), (b, rows) => {
        const a = attribute(b, rows);
        for (const s of a.streams) {
          const shares = a.principals.reduce((sum, p) => sum + (p.bytesByStream[s.stream] ?? 0), 0);
          expect(shares + s.unattributedBytes).toBe(b[s.stream] ?? 0);
          expect(s.unattributedBytes).toBeGreaterThanOrEqual(0);
          // Bytes stay unattributed only on a stream nobody held a session on.
          if (rows.some((r) => r.stream === s.stream)) expect(s.unattributedBytes).toBe(0);
        }
        for (const p of a.principals) {
          expect(p.bytes).toBeGreaterThanOrEqual(0);
          expect(p.bytes).toBe(Object.values(p.bytesByStream).reduce((x, y) => x + y, 0));
        }
      }),
    );
  });

  it('a principal gets nothing of a stream it held no session on, and tenants add up their principals (property)', () => {
    fc.assert(
      fc.property(bytes, fc.array(row, { maxLength: 30 }), (b, rows) => {
        const a = attribute(b, rows);
        for (const p of a.principals) {
          const on = new Set(
            rows.filter((r) => r.issuer === p.issuer && r.sub === p.sub).map((r) => r.stream),
          );
          for (const stream of STREAMS) if (!on.has(stream)) expect(p.bytesByStream[stream] ?? 0).toBe(0);
        }
        for (const t of a.tenants) {
          const mine = a.principals.filter((p) => p.tenant === t.tenant);
          expect(t.bytes).toBe(mine.reduce((x, p) => x + p.bytes, 0));
          expect(t.sessions).toBe(mine.reduce((x, p) => x + p.sessions, 0));
        }
        const total = Object.values(b).reduce((x, y) => x + y, 0);
        const attributed = a.principals.reduce((x, p) => x + p.bytes, 0);
        const unattributed = a.streams.reduce((x, s) => x + s.unattributedBytes, 0);
        expect(attributed + unattributed).toBe(total);
      }),
    );
  });

  it('more session-seconds on a stream never means fewer bytes of it (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 12 }),
        fc.integer({ min: 0, max: 10 ** 6 }),
        fc.integer({ min: 0, max: 10 ** 6 }),
        (streamBytes, s1, s2) => {
          const a = attribute({ 'cam-1': streamBytes }, [
            { issuer: 'i', sub: 'a', tenant: 't', stream: 'cam-1', sessions: 1, sessionSeconds: s1 },
            { issuer: 'i', sub: 'b', tenant: 't', stream: 'cam-1', sessions: 1, sessionSeconds: s2 },
          ]);
          const of = (sub: string) => a.principals.find((p) => p.sub === sub)!.bytes;
          if (s1 > s2) expect(of('a')).toBeGreaterThanOrEqual(of('b'));
          if (s1 === s2) expect(Math.abs(of('a') - of('b'))).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('costs 1 GB (2^30 bytes) at the price per GB', () => {
    expect(costOf(1024 ** 3, 0.0085)).toBeCloseTo(0.0085, 12);
    expect(costOf(0, 0.0085)).toBe(0);
  });
});
