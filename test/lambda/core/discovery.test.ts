import { describe, expect, it } from '@jest/globals';
import { BrokerError } from '../../../lambda/core/errors';
import { buildCatalog, listingPrefixes, pageOf, parseListQuery } from '../../../lambda/core/discovery';
import type { Grant } from '../../../lambda/core/grants';

const g = (
  stream: string,
  modes: Grant['modes'] = ['LIVE'],
  protocols: Grant['protocols'] = ['DASH', 'HLS'],
): Grant => ({
  stream,
  modes,
  protocols,
});

describe('listingPrefixes', () => {
  it('lists the fewest prefixes covering every wildcard grant', () => {
    expect(listingPrefixes([g('cam-*'), g('cam-lobby-*'), g('site7-*'), g('exact')])).toEqual([
      'cam-',
      'site7-',
    ]);
    expect(listingPrefixes([g('cam-*'), g('*')])).toEqual(['']);
    expect(listingPrefixes([g('exact')])).toEqual([]);
  });
});

describe('buildCatalog', () => {
  it('lists exact grants as they are and resolves prefixes against existing streams, with unions, sorted', () => {
    const grants = [g('cam-lobby', ['ON_DEMAND'], ['HLS']), g('cam-*'), g('zz-missing')];
    expect(buildCatalog(grants, ['cam-lobby', 'cam-garage', 'other'])).toEqual([
      { streamName: 'cam-garage', modes: ['LIVE'], protocols: ['DASH', 'HLS'] },
      { streamName: 'cam-lobby', modes: ['LIVE', 'ON_DEMAND'], protocols: ['DASH', 'HLS'] },
      { streamName: 'zz-missing', modes: ['LIVE'], protocols: ['DASH', 'HLS'] },
    ]);
  });

  it('never lists a stream outside the grants', () => {
    expect(buildCatalog([g('cam-*')], ['cam-1', 'camera', 'x-cam-2']).map((e) => e.streamName)).toEqual([
      'cam-1',
    ]);
  });
});

describe('paging', () => {
  const catalog = buildCatalog([g('*')], ['a', 'b', 'c', 'd', 'e']);

  it('pages with limit and an opaque nextToken until the end', () => {
    const first = pageOf(catalog, parseListQuery({ limit: '2' }));
    expect(first.streams.map((s) => s.streamName)).toEqual(['a', 'b']);
    const second = pageOf(catalog, parseListQuery({ limit: '2', nextToken: first.nextToken }));
    expect(second.streams.map((s) => s.streamName)).toEqual(['c', 'd']);
    const last = pageOf(catalog, parseListQuery({ limit: '2', nextToken: second.nextToken }));
    expect(last).toEqual({ streams: [catalog[4]] });
  });

  it('defaults to 100 per page', () => {
    expect(parseListQuery(undefined)).toEqual({ limit: 100 });
  });

  it.each([
    [{ limit: '0' }, 'limit: must be an integer from 1 to 1000'],
    [{ limit: '1001' }, 'limit: must be an integer from 1 to 1000'],
    [{ limit: 'ten' }, 'limit: must be an integer from 1 to 1000'],
    [{ nextToken: 'garbage!' }, 'nextToken: is not a token this API returned'],
    [
      { nextToken: Buffer.from('{"after":7}').toString('base64url') },
      'nextToken: is not a token this API returned',
    ],
  ])('refuses the query %j', (query, message) => {
    expect(() => parseListQuery(query)).toThrow(new BrokerError('INVALID_REQUEST', message));
  });
});

describe('listingPrefixes, more', () => {
  it.each<[string, string[], string[]]>([
    ['the same prefix twice', ['cam-*', 'cam-*'], ['cam-']],
    ['a shorter prefix covering a longer one, whatever the order', ['cam-lobby-*', 'ca*'], ['ca']],
    ['siblings that do not cover each other', ['cam-2-*', 'cam-1-*'], ['cam-1-', 'cam-2-']],
    ['no grants', [], []],
  ])('%s', (_name, streams, prefixes) => {
    expect(listingPrefixes(streams.map((s) => g(s)))).toEqual(prefixes);
  });
});

describe('buildCatalog, more', () => {
  it('lists modes and protocols in the documented order (LIVE, LIVE_REPLAY, ON_DEMAND; DASH, HLS), whatever the grants say', () => {
    const grants = [g('cam-1', ['ON_DEMAND', 'LIVE'], ['HLS']), g('cam-1', ['LIVE_REPLAY'], ['DASH'])];
    expect(buildCatalog(grants, [])).toEqual([
      { streamName: 'cam-1', modes: ['LIVE', 'LIVE_REPLAY', 'ON_DEMAND'], protocols: ['DASH', 'HLS'] },
    ]);
  });

  it('lists a stream once when an exact grant names an existing stream a prefix grant also covers', () => {
    const grants = [g('cam-1', ['ON_DEMAND'], ['HLS']), g('cam-*', ['LIVE'], ['DASH'])];
    expect(buildCatalog(grants, ['cam-1', 'cam-1'])).toEqual([
      { streamName: 'cam-1', modes: ['LIVE', 'ON_DEMAND'], protocols: ['DASH', 'HLS'] },
    ]);
  });

  it('does not take the modes of a grant that only shares a prefix of the name', () => {
    const grants = [g('cam-1', ['LIVE'], ['DASH']), g('cam-10', ['ON_DEMAND'], ['HLS'])];
    expect(buildCatalog(grants, [])).toEqual([
      { streamName: 'cam-1', modes: ['LIVE'], protocols: ['DASH'] },
      { streamName: 'cam-10', modes: ['ON_DEMAND'], protocols: ['HLS'] },
    ]);
  });

  it('resolves * against every existing stream, and lists nothing without grants', () => {
    expect(buildCatalog([g('*')], ['b', 'a']).map((e) => e.streamName)).toEqual(['a', 'b']);
    expect(buildCatalog([], ['a', 'b'])).toEqual([]);
  });
});

describe('parseListQuery and pageOf, more', () => {
  const catalog = buildCatalog([g('*')], ['a', 'b', 'c', 'd', 'e']);
  const tokenAfter = (after: string) => Buffer.from(JSON.stringify({ after })).toString('base64url');

  it.each([
    ['1', 1],
    ['1000', 1000],
    ['0100', 100],
  ])('accepts limit %s', (limit, parsed) => {
    expect(parseListQuery({ limit })).toEqual({ limit: parsed });
  });

  it.each(['1.5', '-1', ' 5', '5 ', '10000', '', '1e3'])('refuses limit %j', (limit) => {
    expect(() => parseListQuery({ limit })).toThrow('limit: must be an integer from 1 to 1000');
  });

  it('accepts only tokens it encodes itself (no extra fields, no padding)', () => {
    expect(parseListQuery({ nextToken: tokenAfter('c') })).toEqual({ limit: 100, after: 'c' });
    for (const nextToken of [
      Buffer.from('{"after":"c","x":1}').toString('base64url'),
      `${tokenAfter('c')}=`,
      Buffer.from('null').toString('base64url'),
    ]) {
      expect(() => parseListQuery({ nextToken })).toThrow('nextToken: is not a token this API returned');
    }
  });

  it('refuses a token whose cursor is not a string, or that has no cursor', () => {
    for (const json of ['{"from":7}', '{"from":null}', '{}', '7', '"after"']) {
      const nextToken = Buffer.from(json).toString('base64url');
      expect(() => parseListQuery({ nextToken })).toThrow('nextToken: is not a token this API returned');
    }
    const fromToken = Buffer.from('{"from":"c"}').toString('base64url');
    expect(parseListQuery({ nextToken: fromToken })).toEqual({ limit: 100, from: 'c' });
  });

  it('refuses with INVALID_REQUEST (400)', () => {
    for (const query of [{ limit: '0' }, { nextToken: '!' }]) {
      try {
        parseListQuery(query);
        throw new Error('expected a refusal');
      } catch (e) {
        expect(e).toBeInstanceOf(BrokerError);
        expect((e as BrokerError).status).toBe(400);
      }
    }
  });

  it('gives no nextToken when the page holds exactly the rest', () => {
    expect(pageOf(catalog, { limit: 5 })).toEqual({ streams: catalog });
    expect(pageOf(catalog, { limit: 4 })).toEqual({
      streams: catalog.slice(0, 4),
      nextToken: tokenAfter('d'),
    });
  });

  it('continues after a stream that no longer exists, and ends after the last one', () => {
    expect(pageOf(catalog, { limit: 2, after: 'bb' })).toEqual({
      streams: catalog.slice(2, 4),
      nextToken: tokenAfter('d'),
    });
    expect(pageOf(catalog, { limit: 2, after: 'e' })).toEqual({ streams: [] });
    expect(pageOf(catalog, { limit: 2, after: '' })).toEqual({
      streams: catalog.slice(0, 2),
      nextToken: tokenAfter('b'),
    });
  });
});
