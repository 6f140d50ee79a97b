import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  confineStream,
  grantEntryCount,
  grantsFromClaim,
  grantsFromScopes,
  matchesStream,
  parseGrant,
  readGrants,
} from '../../../lambda/core/grants';

const claimSource = {
  grantsFrom: 'claim' as const,
  grantsClaim: 'kvs',
  scopePrefix: 'kvs',
  streamPrefix: '',
};

describe('parseGrant', () => {
  it('applies the defaults: LIVE only, both protocols', () => {
    expect(parseGrant({ stream: 'cam-lobby' })).toEqual({
      stream: 'cam-lobby',
      modes: ['LIVE'],
      protocols: ['DASH', 'HLS'],
    });
  });

  it('keeps windows and caps', () => {
    expect(
      parseGrant({
        stream: 'site7-*',
        modes: ['ON_DEMAND'],
        from: 1764000000,
        to: 1764086400,
        maxExpiresSeconds: 600,
      }),
    ).toEqual({
      stream: 'site7-*',
      modes: ['ON_DEMAND'],
      protocols: ['DASH', 'HLS'],
      from: 1764000000,
      to: 1764086400,
      maxExpiresSeconds: 600,
    });
  });

  it.each([
    ['a string', 'cam-1'],
    ['null', null],
    ['an array', [{ stream: 'cam-1' }]],
    ['no stream', { modes: ['LIVE'] }],
    ['a stream with a slash', { stream: 'cam/1' }],
    ['a * in the middle', { stream: 'cam*1' }],
    ['an unknown mode', { stream: 'cam-1', modes: ['REPLAY'] }],
    ['empty modes', { stream: 'cam-1', modes: [] }],
    ['an unknown protocol', { stream: 'cam-1', protocols: ['RTSP'] }],
    ['from as a string', { stream: 'cam-1', from: '1764000000' }],
    ['to before from', { stream: 'cam-1', from: 10, to: 5 }],
    ['a fractional cap', { stream: 'cam-1', maxExpiresSeconds: 1.5 }],
    ['an unknown field', { stream: 'cam-1', admin: true }],
    ['one unknown mode beside a known one', { stream: 'cam-1', modes: ['LIVE', 'REPLAY'] }],
    ['a mode that is not a string', { stream: 'cam-1', modes: ['LIVE', 7] }],
    ['a negative from', { stream: 'cam-1', from: -1 }],
    ['to as a string', { stream: 'cam-1', to: '1764086400' }],
    ['an infinite to', { stream: 'cam-1', to: Infinity }],
    ['a bare string', 'cam-1'],
    ['an array', [{ stream: 'cam-1' }]],
  ])('refuses a grant with %s', (_name, raw) => {
    expect(parseGrant(raw)).toBeUndefined();
  });
});

describe('grantsFromClaim', () => {
  it('ignores malformed entries and keeps the rest (fail closed)', () => {
    expect(grantsFromClaim([{ stream: 'cam-1' }, { stream: 'bad/name' }, 7])).toEqual({
      grants: [{ stream: 'cam-1', modes: ['LIVE'], protocols: ['DASH', 'HLS'] }],
      ignored: 2,
    });
  });

  it('reads no grant from a missing claim, and counts a non-array claim as ignored', () => {
    expect(grantsFromClaim(undefined)).toEqual({ grants: [], ignored: 0 });
    expect(grantsFromClaim({ stream: 'cam-1' })).toEqual({ grants: [], ignored: 1 });
  });
});

describe('grantsFromScopes', () => {
  it('reads kvs:<MODE>:<stream> entries from scope, with one mode and both protocols', () => {
    expect(
      grantsFromScopes('openid kvs:LIVE:cam-* kvs:ON_DEMAND:cam-lobby', undefined, 'kvs').grants,
    ).toEqual([
      { stream: 'cam-*', modes: ['LIVE'], protocols: ['DASH', 'HLS'] },
      { stream: 'cam-lobby', modes: ['ON_DEMAND'], protocols: ['DASH', 'HLS'] },
    ]);
  });

  it('reads scp arrays and a custom prefix', () => {
    expect(grantsFromScopes(undefined, ['video:LIVE_REPLAY:*', 'kvs:LIVE:x'], 'video').grants).toEqual([
      { stream: '*', modes: ['LIVE_REPLAY'], protocols: ['DASH', 'HLS'] },
    ]);
  });

  it('reads scp as a space-separated string (Microsoft Entra ID delegated permissions) and scope as an array', () => {
    expect(grantsFromScopes(['kvs:LIVE:a'], 'openid kvs:ON_DEMAND:b  kvs:LIVE:a', 'kvs').grants).toEqual([
      { stream: 'a', modes: ['LIVE'], protocols: ['DASH', 'HLS'] },
      { stream: 'b', modes: ['ON_DEMAND'], protocols: ['DASH', 'HLS'] },
    ]);
  });

  it('accepts a window starting at the epoch (from 0)', () => {
    expect(parseGrant({ stream: 'cam-1', from: 0, to: 10 })).toMatchObject({ from: 0, to: 10 });
  });

  it.each(['kvs:LIVE', 'kvs:live:cam-1', 'kvs:LIVE:cam/1', 'kvs:LIVE:', 'kvs::cam-1'])(
    'ignores the malformed scope %s',
    (scope) => {
      expect(grantsFromScopes(scope, undefined, 'kvs')).toEqual({ grants: [], ignored: 1 });
    },
  );
});

describe('confineStream (issuer streamPrefix)', () => {
  it.each([
    ['*', 'acme-', 'acme-*'],
    ['acme-cam-*', 'acme-', 'acme-cam-*'],
    ['ac*', 'acme-', 'acme-*'],
    ['other-*', 'acme-', undefined],
    ['acme-cam-1', 'acme-', 'acme-cam-1'],
    ['cam-1', 'acme-', undefined],
    ['cam-1', '', 'cam-1'],
    ['*', '', '*'],
  ])('confines %s under prefix "%s" to %s', (pattern, prefix, expected) => {
    expect(confineStream(pattern, prefix)).toBe(expected);
  });

  it('never lets a confined pattern reach a stream outside the prefix (property)', () => {
    const name = fc.stringMatching(/^[a-z0-9-]{1,12}$/);
    const pattern = fc.oneof(
      name,
      name.map((n) => `${n}*`),
      fc.constant('*'),
    );
    fc.assert(
      fc.property(pattern, fc.stringMatching(/^[a-z0-9-]{0,6}$/), name, (p, prefix, stream) => {
        const confined = confineStream(p, prefix);
        if (confined !== undefined && matchesStream(confined, stream)) {
          expect(stream.startsWith(prefix)).toBe(true);
          expect(matchesStream(p, stream)).toBe(true);
        }
        // and nothing the original reached inside the prefix is lost
        if (matchesStream(p, stream) && stream.startsWith(prefix)) {
          expect(confined !== undefined && matchesStream(confined, stream)).toBe(true);
        }
      }),
    );
  });
});

describe('readGrants', () => {
  it('reads the configured claim name', () => {
    expect(
      readGrants({ video: [{ stream: 'cam-1' }] }, { ...claimSource, grantsClaim: 'video' }).grants,
    ).toHaveLength(1);
    expect(
      readGrants({ kvs: [{ stream: 'cam-1' }] }, { ...claimSource, grantsClaim: 'video' }).grants,
    ).toHaveLength(0);
  });

  it('drops grants outside the issuer prefix and narrows wildcards', () => {
    const { grants } = readGrants(
      { kvs: [{ stream: '*' }, { stream: 'cam-1' }, { stream: 'acme-cam-2', modes: ['ON_DEMAND'] }] },
      { ...claimSource, streamPrefix: 'acme-' },
    );
    expect(grants.map((g) => g.stream)).toEqual(['acme-*', 'acme-cam-2']);
  });

  it('reads scopes for a grantsFrom scope issuer, ignoring the kvs claim', () => {
    const { grants } = readGrants(
      { scope: 'kvs:LIVE:cam-1', kvs: [{ stream: '*' }] },
      { ...claimSource, grantsFrom: 'scope' },
    );
    expect(grants.map((g) => g.stream)).toEqual(['cam-1']);
  });
});

describe('grantEntryCount (the per-token cap counts before parsing)', () => {
  const scopeSource = { ...claimSource, grantsFrom: 'scope' as const };
  it.each<[string, Record<string, unknown>, typeof claimSource | typeof scopeSource, number]>([
    ['every claim entry, malformed ones included', { kvs: [{ stream: 'a' }, 7, 'x', {}] }, claimSource, 4],
    ['no claim', {}, claimSource, 0],
    ['a claim that is not an array, as one entry', { kvs: { stream: 'a' } }, claimSource, 1],
    [
      'the distinct scopes with the prefix, from scope and scp',
      { scope: 'openid kvs:LIVE:a kvs:LIVE:a kvs:bad', scp: ['kvs:ON_DEMAND:b', 'email', 3] },
      scopeSource,
      3,
    ],
  ])('counts %s', (_name, claims, source, expected) => {
    expect(grantEntryCount(claims, source)).toBe(expected);
  });
});

describe('matchesStream', () => {
  it.each([
    ['cam-1', 'cam-1', true],
    ['cam-1', 'cam-10', false],
    ['cam-*', 'cam-10', true],
    ['cam-*', 'cam-', true],
    ['cam-*', 'cam', false],
    ['*', 'anything', true],
  ])('%s against %s is %s', (pattern, name, expected) => {
    expect(matchesStream(pattern, name)).toBe(expected);
  });
});
