// Archive edges (docs/api.md, "Archive"): an instant is covered by a window holding it, the widest grant wins (the
// first on a tie), the 403's words, and the query options the images route passes on only when given.
import { describe, expect, it } from '@jest/globals';
import {
  archiveWindow,
  parseImagesRequest,
  parseTimelineRequest,
  requireArchiveWindow,
} from '../../../lambda/core/archive';
import { S, grant, iso, range } from './archive-fixtures';

const win = (from: number, to: number) => ({ fromMs: from * 1000, toMs: to * 1000 });

describe('archive grants, edges', () => {
  it('covers a one-instant range (images at one time) with a window that holds the instant', () => {
    const instant = { fromMs: S * 1000, toMs: S * 1000 };
    expect(archiveWindow([grant({})], 'cam-1', instant)).toStrictEqual(instant);
    expect(archiveWindow([grant({ from: S - 60, to: S })], 'cam-1', instant)).toStrictEqual(instant);
    expect(archiveWindow([grant({ from: S + 1, to: S + 60 })], 'cam-1', instant)).toBeUndefined();
  });

  it('picks the widest window whatever the grant order, the first of equal widths', () => {
    const half = grant({ from: S - 1800 });
    const tenMinutes = grant({ from: S - 3000, to: S - 2400 });
    expect(archiveWindow([half, tenMinutes], 'cam-1', range)).toStrictEqual(win(S - 1800, S));
    const early = grant({ from: S - 3600, to: S - 3000 });
    const late = grant({ from: S - 600, to: S });
    expect(archiveWindow([early, late], 'cam-1', range)).toStrictEqual(win(S - 3600, S - 3000));
    expect(archiveWindow([late, early], 'cam-1', range)).toStrictEqual(win(S - 600, S));
  });

  it('requireArchiveWindow answers the covered part, and refuses in words that name the modes', () => {
    expect(requireArchiveWindow([grant({ from: S - 600 })], 'cam-1', range)).toStrictEqual(win(S - 600, S));
    expect(() => requireArchiveWindow([grant({ modes: ['LIVE'] })], 'cam-1', range)).toThrow(
      expect.objectContaining({
        code: 'FORBIDDEN',
        message: 'No grant with mode ON_DEMAND or LIVE_REPLAY covers this stream in the requested range',
      }),
    );
  });
});

describe('archive query rules, edges', () => {
  const base = { from: iso(S - 60), to: iso(S) };
  const images = (q: Record<string, string>) => parseImagesRequest('cam-1', { ...base, ...q });
  const common = { streamName: 'cam-1', fromMs: (S - 60) * 1000, toMs: S * 1000, intervalMs: 3000 };

  it('refuses a to before from', () => {
    expect(() => parseTimelineRequest('cam-1', { from: iso(S), to: iso(S - 1) })).toThrow(
      expect.objectContaining({ code: 'INVALID_REQUEST', message: 'to: must be after from' }),
    );
  });

  it('images: quality with JPEG (the default or named) is kept; the range bound is said in seconds', () => {
    expect(images({ quality: '50' })).toStrictEqual({
      ...common,
      format: 'JPEG',
      width: 320,
      quality: 50,
      maxResults: 25,
    });
    expect(images({ quality: '50', format: 'JPEG' })).toMatchObject({ quality: 50 });
    expect(() => images({ quality: '50', format: 'PNG' })).toThrow(
      expect.objectContaining({ message: 'quality: only allowed with format JPEG' }),
    );
    expect(() => images({ to: iso(S + 241) })).toThrow(
      expect.objectContaining({ message: 'to: must be within 300 seconds of from' }),
    );
  });

  it('images: width, height, quality and nextToken are passed on only when given (320 wide without height)', () => {
    const rest = { ...common, format: 'JPEG', maxResults: 25 };
    expect(images({})).toStrictEqual({ ...rest, width: 320 });
    expect(images({ height: '90' })).toStrictEqual({ ...rest, height: 90 });
    expect(images({ width: '640' })).toStrictEqual({ ...rest, width: 640 });
    expect(images({ width: '640', height: '90' })).toStrictEqual({ ...rest, width: 640, height: 90 });
    expect(images({ nextToken: 'abc=' })).toStrictEqual({ ...rest, width: 320, nextToken: 'abc=' });
  });
});
