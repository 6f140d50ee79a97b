// The Cognito pre token generation trigger (V2_0) on a real-shaped event (fixture: the Developer Guide's V2_0
// request shape, with groups and a grants attribute), and its pure mapping from groups and attributes to grants.
import { describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { grantsFromClaim, grantsFromScopes } from '../../../lambda/core/grants';
import {
  createPreTokenGenerationHandler,
  type PreTokenGenerationV2Event,
} from '../../../lambda/cognito/handler';
import { COGNITO_CONFIG_ENV, configFromEnv } from '../../../lambda/cognito/env';
import { grantsToScopes, mapGrants, parseCognitoGrantsConfig } from '../../../lambda/cognito/mapping';

const fixture = () =>
  JSON.parse(
    readFileSync(new URL('./pre-token-generation-v2.json', import.meta.url), 'utf8'),
  ) as PreTokenGenerationV2Event;

const CONFIG = parseCognitoGrantsConfig({
  groups: [
    { groupPrefix: 'kvs-live-', grants: [{ stream: '{name}-*', modes: ['LIVE'] }] },
    { group: 'kvs-archive', grants: [{ stream: '*', modes: ['ON_DEMAND', 'LIVE_REPLAY'] }] },
  ],
  grantsAttribute: 'custom:kvs_grants',
});

function run(config = CONFIG, event = fixture()) {
  const logger = { info: jest.fn(), warn: jest.fn() };
  const handler = createPreTokenGenerationHandler({ config, logger });
  return { result: handler(event), logger };
}

const site7Live = { stream: 'site7-*', modes: ['LIVE'], protocols: ['DASH', 'HLS'] };
const lobbyArchive = {
  stream: 'cam-lobby',
  modes: ['ON_DEMAND'],
  protocols: ['HLS'],
  from: 1764000000,
  to: 1764086400,
};

describe('the trigger on a V2_0 event', () => {
  it('puts group and attribute grants in the ID token claim, and the plain ones as access token scopes', async () => {
    const { result, logger } = run();
    const event = await result;
    expect(event.response).toEqual({
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: { claimsToAddOrOverride: { kvs: [site7Live, lobbyArchive] } },
        // the lobby grant has a window and one protocol: no scope can say that, so it is left out, not widened
        accessTokenGeneration: { scopesToAdd: ['kvs:LIVE:site7-*'] },
      },
    });
    expect(logger.warn).toHaveBeenCalledWith('kvs grants: some left out', {
      triggerSource: 'TokenGeneration_Authentication',
      groups: 2,
      grants: 2,
      scopes: 1,
      ignored: 0,
      dropped: 0,
      notAsScope: 1,
    });
    // nothing personal in the log line
    expect(JSON.stringify(logger.warn.mock.calls)).not.toMatch(/operator-7|cam-lobby|@example/);
  });

  it('the broker reads back exactly these grants, from the claim and from the scopes', async () => {
    const { claimsAndScopeOverrideDetails: d } = (await run().result).response;
    expect(grantsFromClaim(d!.idTokenGeneration!.claimsToAddOrOverride!.kvs)).toEqual({
      grants: [site7Live, lobbyArchive],
      ignored: 0,
    });
    const scope = ['openid', ...d!.accessTokenGeneration!.scopesToAdd!].join(' ');
    expect(grantsFromScopes(scope, undefined, 'kvs')).toEqual({ grants: [site7Live], ignored: 0 });
  });

  it('with accessToken "both", the access token also carries the claim', async () => {
    const config = { ...CONFIG, accessToken: 'both' as const, idToken: false };
    const d = (await run(config).result).response.claimsAndScopeOverrideDetails!;
    expect(d).toEqual({
      accessTokenGeneration: {
        claimsToAddOrOverride: { kvs: [site7Live, lobbyArchive] },
        scopesToAdd: ['kvs:LIVE:site7-*'],
      },
    });
  });

  it('suppresses kvs: scopes the client asked for itself', async () => {
    const event = fixture();
    event.request.scopes = ['openid', 'kvs:LIVE:*'];
    const d = (await run(CONFIG, event).result).response.claimsAndScopeOverrideDetails!;
    expect(d.accessTokenGeneration).toEqual({
      scopesToAdd: ['kvs:LIVE:site7-*'],
      scopesToSuppress: ['kvs:LIVE:*'],
    });
  });

  it('a user without groups or attribute gets an empty grants claim and no scopes', async () => {
    const event = fixture();
    event.request.groupConfiguration.groupsToOverride = [];
    delete event.request.userAttributes['custom:kvs_grants'];
    const { result, logger } = run(CONFIG, event);
    expect((await result).response).toEqual({
      claimsAndScopeOverrideDetails: { idTokenGeneration: { claimsToAddOrOverride: { kvs: [] } } },
    });
    expect(logger.info).toHaveBeenCalledTimes(1);
  });
});

describe('mapGrants', () => {
  const map = (groups: string[], attribute?: string, config = CONFIG) =>
    mapGrants(config, {
      groups,
      userAttributes: attribute === undefined ? {} : { 'custom:kvs_grants': attribute },
    });

  it.each([
    { name: 'a prefix rule fills {name} from the group', groups: ['kvs-live-site7'], grants: [site7Live] },
    {
      name: 'an exact rule matches only its group',
      groups: ['kvs-archive', 'kvs-archive-x'],
      grants: [{ stream: '*', modes: ['ON_DEMAND', 'LIVE_REPLAY'], protocols: ['DASH', 'HLS'] }],
    },
    { name: 'unrelated groups give nothing', groups: ['staff', 'admins'], grants: [] },
    {
      name: 'the same grant twice is listed once',
      groups: ['kvs-live-site7', 'kvs-live-site7'],
      grants: [site7Live],
    },
  ])('$name', ({ groups, grants }) => {
    expect(map(groups)).toEqual({ grants, ignored: 0, dropped: 0 });
  });

  it.each([
    {
      name: 'a group suffix with characters a stream name cannot have',
      groups: ['kvs-live-a b'],
      attribute: undefined,
    },
    { name: 'a group suffix that would widen to everything', groups: ['kvs-live-*'], attribute: undefined },
    { name: 'an attribute that is not JSON', groups: [], attribute: '[{stream:' },
    { name: 'an attribute that is not an array', groups: [], attribute: '{"stream":"cam-1"}' },
    {
      name: 'an attribute grant with an unknown field',
      groups: [],
      attribute: '[{"stream":"cam-1","admin":true}]',
    },
    {
      name: 'an attribute grant with a bad mode',
      groups: [],
      attribute: '[{"stream":"cam-1","modes":["ALL"]}]',
    },
  ])('ignores $name (fail closed)', ({ groups, attribute }) => {
    expect(map(groups, attribute)).toEqual({ grants: [], ignored: 1, dropped: 0 });
  });

  it('keeps at most maxGrants grants', () => {
    const config = { ...CONFIG, maxGrants: 2 };
    const attribute = JSON.stringify([{ stream: 'a' }, { stream: 'b' }, { stream: 'c' }]);
    const result = map([], attribute, config);
    expect(result.grants.map((g) => g.stream)).toEqual(['a', 'b']);
    expect(result.dropped).toBe(1);
  });
});

describe('grantsToScopes', () => {
  it('one scope per mode; grants a scope cannot say in full are counted, not widened', () => {
    expect(
      grantsToScopes(
        [
          { stream: 'cam-*', modes: ['LIVE', 'ON_DEMAND'], protocols: ['DASH', 'HLS'] },
          { stream: 'cam-1', modes: ['LIVE'], protocols: ['DASH'] },
          { stream: 'cam-2', modes: ['LIVE'], protocols: ['DASH', 'HLS'], maxExpiresSeconds: 600 },
        ],
        'kvs',
      ),
    ).toEqual({ scopes: ['kvs:LIVE:cam-*', 'kvs:ON_DEMAND:cam-*'], unsaid: 2 });
  });
});

describe('config', () => {
  it('is read once from its environment variable', () => {
    const config = configFromEnv({ [COGNITO_CONFIG_ENV]: JSON.stringify({ grantsAttribute: 'custom:kvs' }) });
    expect(config).toEqual({
      groups: [],
      grantsAttribute: 'custom:kvs',
      claimName: 'kvs',
      scopePrefix: 'kvs',
      accessToken: 'scope',
      idToken: true,
      maxGrants: 100,
    });
  });

  it.each([
    [{}, `${COGNITO_CONFIG_ENV} is not set`],
    [
      { [COGNITO_CONFIG_ENV]: '{"groups":[{"group":"x","grants":[]}]}' },
      /groups\[0\]\.grants: must be a non-empty array/,
    ],
    [{ [COGNITO_CONFIG_ENV]: '{"accessToken":"jwt"}' }, /accessToken/],
    [{ [COGNITO_CONFIG_ENV]: '{"extra":1}' }, /extra|Unrecognized/],
  ])('refuses %p', (env, message) => {
    expect(() => configFromEnv(env as Record<string, string>)).toThrow(message);
  });
});
