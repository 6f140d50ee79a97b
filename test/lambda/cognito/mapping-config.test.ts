// The Cognito trigger's mapping config shares the broker's bounds (lambda/core/config-rules.ts): a trigger can
// never be configured to write a grant or a grant count that the broker refuses (docs/IDENTITY-PROVIDERS.md).
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import {
  DEFAULT_MAX_GRANTS_PER_TOKEN,
  KVS_MAX_EXPIRES_SECONDS,
  KVS_MIN_EXPIRES_SECONDS,
  MAX_GRANTS_PER_TOKEN_CEILING,
  PLAYBACK_MODES,
  SCOPE_PREFIX,
} from '../../../lambda/core/config-rules';
import { parseConfig } from '../../../lambda/core/config';
import { parseCognitoGrantsConfig } from '../../../lambda/cognito/mapping';

const withExpiry = (maxExpiresSeconds: number) => ({
  groups: [{ group: 'g', grants: [{ stream: 'cam-1', maxExpiresSeconds }] }],
});
const ISSUER = { issuer: 'https://idp.example/', jwksUri: 'https://idp.example/jwks', audience: 'a' };

describe('the mapping config and the broker config agree', () => {
  it('on the grant cap: the broker ceiling is accepted, one more is refused by both', () => {
    expect(parseCognitoGrantsConfig({ maxGrants: MAX_GRANTS_PER_TOKEN_CEILING }).maxGrants).toBe(
      MAX_GRANTS_PER_TOKEN_CEILING,
    );
    expect(() => parseCognitoGrantsConfig({ maxGrants: MAX_GRANTS_PER_TOKEN_CEILING + 1 })).toThrow(
      /maxGrants: must be an integer from 1 to 100/,
    );
    expect(() =>
      parseConfig({ issuers: [ISSUER], limits: { maxGrantsPerToken: MAX_GRANTS_PER_TOKEN_CEILING + 1 } }),
    ).toThrow(/limits\.maxGrantsPerToken/);
  });

  it('on the default grant cap', () => {
    expect(parseCognitoGrantsConfig({}).maxGrants).toBe(DEFAULT_MAX_GRANTS_PER_TOKEN);
    expect(parseConfig({ issuers: [ISSUER] }).limits.maxGrantsPerToken).toBe(DEFAULT_MAX_GRANTS_PER_TOKEN);
  });

  it.each([
    [KVS_MIN_EXPIRES_SECONDS, true],
    [KVS_MAX_EXPIRES_SECONDS, true],
    [KVS_MIN_EXPIRES_SECONDS - 1, false],
    [KVS_MAX_EXPIRES_SECONDS + 1, false],
  ])('on the expiry bounds: maxExpiresSeconds %p accepted=%p', (seconds, accepted) => {
    const parse = () => parseCognitoGrantsConfig(withExpiry(seconds));
    if (accepted) expect(parse).not.toThrow();
    else
      expect(parse).toThrow(
        /groups\[0\]\.grants\[0\]\.maxExpiresSeconds: must be an integer from 300 to 43200/,
      );
  });

  it.each(['kvs', 'video/v1', 'a.b-c_d', 'kvs:x', 'kvs x', ''])('on the scope prefix %p', (scopePrefix) => {
    const broker = (() => {
      try {
        parseConfig({ issuers: [{ ...ISSUER, scopePrefix }] });
        return true;
      } catch {
        return false;
      }
    })();
    const trigger = (() => {
      try {
        parseCognitoGrantsConfig({ scopePrefix });
        return true;
      } catch {
        return false;
      }
    })();
    expect(trigger).toBe(broker);
    expect(trigger).toBe(SCOPE_PREFIX.test(scopePrefix));
  });

  it('holds no copy of those facts: the trigger source imports them rather than writing the numbers or pattern', () => {
    const source = ['mapping.ts', 'mapping-config.ts']
      .map((f) => readFileSync(new URL(`../../../lambda/cognito/${f}`, import.meta.url), 'utf8'))
      .join('\n')
      .replace(/^\s*(\/\/|\*|\/\*\*).*$/gm, ''); // comments may name the numbers
    for (const fact of [KVS_MIN_EXPIRES_SECONDS, KVS_MAX_EXPIRES_SECONDS, MAX_GRANTS_PER_TOKEN_CEILING])
      expect(source).not.toMatch(new RegExp(`\\b${fact}\\b`));
    expect(source).not.toContain(SCOPE_PREFIX.source);
    expect(source).not.toMatch(/from 'zod'/);
  });
});

describe('the mapping config', () => {
  it('names every bad field, with the field path the broker config uses', () => {
    expect(() =>
      parseCognitoGrantsConfig({
        groups: [{ groupPrefix: '', grants: [{ stream: 'x', modes: ['LIVE', 'SNAPSHOT'], extra: 1 }] }],
        idToken: 'yes',
        other: 1,
      }),
    ).toThrow(
      'invalid Cognito grants config: other: unknown field; ' +
        'groups[0].groupPrefix: must be a non-empty string (group or groupPrefix); groups[0].grants[0].extra: unknown field; ' +
        `groups[0].grants[0].modes: must be a non-empty array of ${PLAYBACK_MODES.join(', ')}; idToken: must be a boolean`,
    );
  });

  it('refuses a rule with both group and groupPrefix, and a non-object', () => {
    expect(() =>
      parseCognitoGrantsConfig({ groups: [{ group: 'a', groupPrefix: 'b', grants: [{ stream: 'x' }] }] }),
    ).toThrow(/groups\[0\]\.groupPrefix: unknown field/);
    expect(() => parseCognitoGrantsConfig([])).toThrow(/\(root\): must be an object/);
  });

  it('copies the rules it returns: changing the input later changes nothing', () => {
    const input = { groups: [{ group: 'a', grants: [{ stream: 'x' }] }] };
    const config = parseCognitoGrantsConfig(input);
    input.groups[0]!.grants[0]!.stream = 'y';
    expect(config.groups).toEqual([{ group: 'a', grants: [{ stream: 'x' }] }]);
  });
});
