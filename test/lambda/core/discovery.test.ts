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
