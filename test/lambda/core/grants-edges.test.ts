// The edges of reading grants (docs/tokens.md): what a grant object, a scope and an issuer's streamPrefix may be,
// each stated where a looser reading would let a token reach more than it says.
import { describe, expect, it } from '@jest/globals';
import { confineStream, grantsFromScopes, isServed, parseGrant } from '../../../lambda/core/grants';

describe('parseGrant at its edges', () => {
  it.each([
    ['undefined', undefined],
    ['a number', 7],
    ['a boolean', true],
  ])('refuses %s without throwing', (_name, raw) => {
    expect(parseGrant(raw)).toBeUndefined();
  });

  it('accepts a window of one instant (from equal to to): only to before from is malformed', () => {
    expect(parseGrant({ stream: 'cam-1', from: 1764000000, to: 1764000000 })).toMatchObject({
      from: 1764000000,
      to: 1764000000,
    });
  });

  it('accepts a window open on either side', () => {
    expect(parseGrant({ stream: 'cam-1', from: 1764000000 })).toMatchObject({ from: 1764000000 });
    expect(parseGrant({ stream: 'cam-1', to: 5 })).toMatchObject({ to: 5 });
  });

  it.each([
    ['zero', 0],
    ['negative', -600],
    ['a numeric string', '600'],
  ])('refuses a maxExpiresSeconds that is %s: a cap is a positive whole number of seconds', (_name, cap) => {
    expect(parseGrant({ stream: 'cam-1', maxExpiresSeconds: cap })).toBeUndefined();
  });

  it('accepts a maxExpiresSeconds of 1 (the session is then held at the KVS minimum)', () => {
    expect(parseGrant({ stream: 'cam-1', maxExpiresSeconds: 1 })).toMatchObject({ maxExpiresSeconds: 1 });
  });

  it('carries only the fields the claim set: no from, to or cap key holding undefined', () => {
    const keys = (raw: unknown) => Object.keys(parseGrant(raw) ?? {}).sort();
    expect(keys({ stream: 'cam-1' })).toEqual(['modes', 'protocols', 'stream']);
    expect(keys({ stream: 'cam-1', from: 5 })).toEqual(['from', 'modes', 'protocols', 'stream']);
    expect(keys({ stream: 'cam-1', to: 5 })).toEqual(['modes', 'protocols', 'stream', 'to']);
  });
});

describe('grantsFromScopes at its edges', () => {
  it('neither reads nor counts a scope under another prefix, even one shaped like <prefix>:<MODE>:<stream>', () => {
    expect(grantsFromScopes('openid abc:LIVE:cam-1 video:LIVE:cam-2', undefined, 'kvs')).toEqual({
      grants: [],
      ignored: 0,
    });
  });

  it('ignores a scope with no colon after the mode, even when its head reads as a mode', () => {
    expect(grantsFromScopes('kvs:ON_DEMANDS kvs:LIVEx', undefined, 'kvs')).toEqual({
      grants: [],
      ignored: 2,
    });
  });
});

describe('confineStream at its edges', () => {
  it('refuses an exact stream that is the prefix without its tail: it is never widened to the prefix', () => {
    expect(confineStream('acme', 'acme-')).toBeUndefined();
    expect(confineStream('acme-', 'acme-')).toBe('acme-');
  });
});

describe('isServed (config streams)', () => {
  it.each<[string, string[], string, boolean]>([
    ['serves a stream its exact entry names', ['door-1', 'cam-*'], 'door-1', true],
    ['serves a stream under a prefix entry listed after an exact one', ['door-1', 'cam-*'], 'cam-9', true],
    ['does not serve a stream no entry reaches', ['door-1', 'cam-*'], 'gate', false],
    ['serves nothing under an empty list', [], 'door-1', false],
  ])('%s', (_name, served, stream, expected) => {
    expect(isServed(served, stream)).toBe(expected);
  });
});
