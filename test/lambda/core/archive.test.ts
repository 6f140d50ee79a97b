// Archive grants (ON_DEMAND or LIVE_REPLAY; only the covered part of a range; 403 otherwise) and the query rules of
// the timeline, images and clip routes (docs/api.md, "Archive").
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  archiveWindow,
  parseClipRequest,
  parseImagesRequest,
  parseTimelineRequest,
  requireArchiveWindow,
} from '../../../lambda/core/archive';
import { S, grant, iso, range } from './archive-fixtures';

describe('archive grants', () => {
  it('needs ON_DEMAND or LIVE_REPLAY on the stream: LIVE alone or another stream reveal nothing', () => {
    expect(archiveWindow([grant({ modes: ['LIVE'] })], 'cam-1', range)).toBeUndefined();
    expect(archiveWindow([grant({ stream: 'cam-2' })], 'cam-1', range)).toBeUndefined();
    expect(archiveWindow([grant({ modes: ['LIVE_REPLAY'] })], 'cam-1', range)).toEqual(range);
    expect(archiveWindow([grant({ stream: 'cam-*' })], 'cam-1', range)).toEqual(range);
  });

  it("answers only the part a grant's window covers, the widest of several", () => {
    const half = grant({ from: S - 1800 });
    const tenMinutes = grant({ from: S - 3000, to: S - 2400 });
    expect(archiveWindow([tenMinutes, half], 'cam-1', range)).toEqual({
      fromMs: (S - 1800) * 1000,
      toMs: S * 1000,
    });
    expect(archiveWindow([tenMinutes], 'cam-1', range)).toEqual({
      fromMs: (S - 3000) * 1000,
      toMs: (S - 2400) * 1000,
    });
  });

  it('refuses with 403 FORBIDDEN when no window reaches the range, or only touches its end', () => {
    const before = grant({ from: S - 7200, to: S - 3600 });
    expect(() => requireArchiveWindow([before], 'cam-1', range)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', status: 403 }),
    );
    expect(() => requireArchiveWindow([], 'cam-1', range)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
  });

  it('property: the answered part lies inside the range and inside one archive grant window, and none exists iff none overlaps', () => {
    const grantArb = fc.record({
      from: fc.option(fc.integer({ min: S - 8000, max: S + 1000 }), { nil: undefined }),
      len: fc.integer({ min: 0, max: 8000 }),
      modes: fc.subarray(['LIVE', 'LIVE_REPLAY', 'ON_DEMAND'] as const, { minLength: 1 }),
    });
    fc.assert(
      fc.property(fc.array(grantArb, { maxLength: 4 }), (raw) => {
        const grants = raw.map((g) =>
          grant({
            modes: [...g.modes],
            ...(g.from !== undefined ? { from: g.from, to: g.from + g.len } : {}),
          }),
        );
        const w = archiveWindow(grants, 'cam-1', range);
        const overlaps = grants.filter(
          (g) =>
            g.modes.some((m) => m !== 'LIVE') &&
            // a window covering some time of the range (a zero-length one covers none)
            (g.from === undefined ||
              Math.min(g.to! * 1000, range.toMs) > Math.max(g.from * 1000, range.fromMs)),
        );
        expect(w === undefined).toBe(overlaps.length === 0);
        if (w) {
          expect(w.fromMs).toBeGreaterThanOrEqual(range.fromMs);
          expect(w.toMs).toBeLessThanOrEqual(range.toMs);
          expect(
            overlaps.some(
              (g) => g.from === undefined || (w.fromMs >= g.from * 1000 && w.toMs <= g.to! * 1000),
            ),
          ).toBe(true);
        }
      }),
    );
  });
});

describe('archive query rules', () => {
  const q = (o: Record<string, string>) => o;

  it('timeline: from/to with a zone, to after from within 24 h, gapMs 0..60000 default 2000', () => {
    expect(parseTimelineRequest('cam-1', q({ from: iso(S - 60), to: iso(S) }))).toEqual({
      streamName: 'cam-1',
      fromMs: (S - 60) * 1000,
      toMs: S * 1000,
      gapMs: 2000,
    });
    const bad = (query: Record<string, string>, message: string) =>
      expect(() => parseTimelineRequest('cam-1', query)).toThrow(
        expect.objectContaining({ code: 'INVALID_REQUEST', message }),
      );
    bad({ from: iso(S), to: iso(S) }, 'to: must be after from');
    bad({ from: iso(S - 86401), to: iso(S) }, 'to: must be within 24 hours of from');
    bad({ from: '2026-01-15T12:00:00', to: iso(S) }, 'from: must be an ISO 8601 date-time with a zone');
    bad({ from: iso(S - 60), to: iso(S), gapMs: '60001' }, 'gapMs: must be at most 60000');
    bad({ from: iso(S - 60), to: iso(S), gapMs: '1.5' }, 'gapMs: must be an integer');
    expect(() => parseTimelineRequest('bad name', q({ from: iso(S - 60), to: iso(S) }))).toThrow(
      expect.objectContaining({ code: 'INVALID_REQUEST' }),
    );
  });

  it("images: KVS's bounds on range, interval, size, quality and page size; 320 wide by default", () => {
    expect(parseImagesRequest('cam-1', q({ from: iso(S - 60), to: iso(S - 60) }))).toEqual({
      streamName: 'cam-1',
      fromMs: (S - 60) * 1000,
      toMs: (S - 60) * 1000,
      intervalMs: 3000,
      format: 'JPEG',
      width: 320,
      maxResults: 25,
    });
    expect(
      parseImagesRequest(
        'cam-1',
        q({ from: iso(S - 60), to: iso(S), height: '90', format: 'PNG', nextToken: 'abc=' }),
      ),
    ).toMatchObject({ height: 90, format: 'PNG', nextToken: 'abc=' });
    for (const [query, field] of [
      [{ to: iso(S + 301) }, 'to'],
      [{ intervalMs: '199' }, 'intervalMs'],
      [{ width: '3841' }, 'width'],
      [{ height: '2161' }, 'height'],
      [{ quality: '0' }, 'quality'],
      [{ quality: '50', format: 'PNG' }, 'quality'],
      [{ maxResults: '101' }, 'maxResults'],
      [{ nextToken: 'not a token' }, 'nextToken'],
      [{ format: 'GIF' }, 'format'],
    ] as [Record<string, string>, string][]) {
      const base: Record<string, string> = { from: iso(S), to: iso(S + 10) };
      expect(() => parseImagesRequest('cam-1', { ...base, ...query })).toThrow(
        expect.objectContaining({
          code: 'INVALID_REQUEST',
          message: expect.stringMatching(new RegExp(`^${field}:`)),
        }),
      );
    }
  });

  it('clip: to after from, at most 1 h', () => {
    expect(parseClipRequest('cam-1', q({ from: iso(S - 3600), to: iso(S) }))).toEqual({
      streamName: 'cam-1',
      fromMs: (S - 3600) * 1000,
      toMs: S * 1000,
    });
    expect(() => parseClipRequest('cam-1', q({ from: iso(S - 3601), to: iso(S) }))).toThrow(
      expect.objectContaining({ message: 'to: must be within 1 hour of from' }),
    );
  });
});
