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

describe('pageOf with a listing that stopped before a prefix', () => {
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
