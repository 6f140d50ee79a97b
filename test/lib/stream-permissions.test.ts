// config.streams -> IAM resources: the broker role reaches the configured streams and nothing else.
import { describe, expect, it } from '@jest/globals';
import { coveringPatterns, streamResourceName } from '../../lib/stream-permissions';

describe('streamResourceName', () => {
  it.each([
    ['cam-1', 'cam-1/*', 'an exact name: that stream, whatever its creation time'],
    ['site7-*', 'site7-*', 'a prefix: every stream starting with it'],
    ['*', '*', 'every stream'],
  ])('%s -> stream/%s (%s)', (pattern, resource) => {
    expect(streamResourceName(pattern)).toBe(resource);
  });

  it('does not let an exact name reach a longer name (cam-1 is not cam-10)', () => {
    const resource = streamResourceName('cam-1');
    const iamMatch = (arnTail: string) =>
      new RegExp(`^${resource.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`).test(arnTail);
    expect(iamMatch('cam-1/1700000000000')).toBe(true);
    expect(iamMatch('cam-10/1700000000000')).toBe(false);
  });
});

describe('coveringPatterns', () => {
  it.each([
    [['cam-1'], ['cam-1']],
    [
      ['cam-2', 'cam-1', 'cam-1'],
      ['cam-1', 'cam-2'],
    ],
    [['cam-1', '*', 'site7-*'], ['*']],
    [
      ['site7-*', 'site7-cam*', 'site7-cam1', 'site8'],
      ['site7-*', 'site8'],
    ],
    [['a*', 'ab*'], ['a*']],
    [['cam', 'cam*'], ['cam*']],
  ])('%j -> %j', (patterns, expected) => {
    expect(coveringPatterns(patterns)).toEqual(expected);
  });
});
