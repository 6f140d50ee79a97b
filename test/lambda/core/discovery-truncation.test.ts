// Discovery pages when the listing stopped early (SECURITY.md): which prefixes a page still needs, and a
// truncated page that ends where the listing stopped.
import { describe, expect, it } from '@jest/globals';
import { pageOf, parseListQuery, prefixesFor, type CatalogEntry } from '../../../lambda/core/discovery';

const entry = (streamName: string): CatalogEntry => ({ streamName, modes: ['LIVE'], protocols: ['DASH'] });
const catalog = ['a-1', 'a-2', 'b-1', 'c-1', 'c-2'].map(entry);

describe('prefixesFor', () => {
  it('skips a prefix whose every name sorts before the page start, keeps one the start lies in', () => {
    expect(prefixesFor(['a-', 'b-', 'c-'], { limit: 10, after: 'b-1' })).toEqual(['b-', 'c-']);
    expect(prefixesFor(['a-', 'b-', 'c-'], { limit: 10, from: 'c-' })).toEqual(['c-']);
    expect(prefixesFor(['a-', 'b-', 'c-'], { limit: 10 })).toEqual(['a-', 'b-', 'c-']);
    expect(prefixesFor([''], { limit: 10, after: 'zzz' })).toEqual(['']);
  });
});

describe('prefixesFor, every start against every prefix over a small alphabet', () => {
  // Every string of up to two characters from '-', 'a', 'b' (and ''): as prefixes, as page starts, as suffixes.
  const chars = ['-', 'a', 'b'];
  const words = ['', ...chars, ...chars.flatMap((c) => chars.map((d) => c + d))];
  // The rule: a prefix is needed while some name that begins with it sorts at or after the page start.
  const needed = (p: string, start: string) => words.some((suffix) => p + suffix >= start);

  it.each(words)('keeps exactly the prefixes some name at or after the start %j begins with', (start) => {
    const expected = words.filter((p) => needed(p, start));
    expect(prefixesFor(words, { limit: 10, after: start })).toEqual(expected);
    expect(prefixesFor(words, { limit: 10, from: start })).toEqual(expected);
  });

  it('keeps a prefix the start equals, and one the start is a shorter part of', () => {
    expect(prefixesFor(['b-'], { limit: 10, from: 'b-' })).toEqual(['b-']);
    expect(prefixesFor(['b-'], { limit: 10, after: 'b' })).toEqual(['b-']);
    expect(prefixesFor(['b-'], { limit: 10, after: 'b-' })).toEqual(['b-']);
    expect(prefixesFor(['a-'], { limit: 10, after: 'b' })).toEqual([]);
  });
});

describe('pageOf with a listing that stopped before a prefix', () => {
  it('leaves a stream named exactly the unlisted prefix to the next page, so it is listed once', () => {
    const withPrefixName = ['a-1', 'b-', 'b-1'].map(entry);
    const page = pageOf(withPrefixName, { limit: 10 }, 'b-');
    expect(page.streams).toEqual([entry('a-1')]);
    const next = pageOf(withPrefixName, parseListQuery({ nextToken: page.nextToken }));
    expect(next).toEqual({ streams: [entry('b-'), entry('b-1')] });
  });

  it('ends the page before the unlisted prefix, truncated, with a token that starts there', () => {
    const page = pageOf(catalog, { limit: 10 }, 'b-');
    expect(page).toEqual({
      streams: [entry('a-1'), entry('a-2')],
      nextToken: expect.any(String),
      truncated: true,
    });
    expect(parseListQuery({ nextToken: page.nextToken })).toEqual({ limit: 100, from: 'b-' });
  });

  it('starts a page at `from` inclusive and `after` exclusive', () => {
    expect(pageOf(catalog, { limit: 10, from: 'b-1' }).streams.map((e) => e.streamName)).toEqual([
      'b-1',
      'c-1',
      'c-2',
    ]);
    expect(pageOf(catalog, { limit: 10, after: 'b-1' }).streams.map((e) => e.streamName)).toEqual([
      'c-1',
      'c-2',
    ]);
  });

  it('prefers a full page with a plain token when the limit comes first', () => {
    const page = pageOf(catalog, { limit: 1 }, 'b-');
    expect(page).toEqual({ streams: [entry('a-1')], nextToken: expect.any(String) });
    expect(parseListQuery({ nextToken: page.nextToken })).toEqual({ limit: 100, after: 'a-1' });
  });
});
