// A stream name that breaks KVS's rule in the path (docs/api.md, "Stream names in the path"): the gateway's policy
// check runs before the broker, so the answer depends on whether one of the token's grants covers the path. Both
// answers are the documented JSON errors, and neither tells whether a stream exists.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { brokerPerTest, startPartnerIdp, type PartnerIdp } from '../support/broker-fixture';
import { sessionConfig } from './session-config';

let partner: PartnerIdp;
beforeAll(async () => {
  partner = await startPartnerIdp();
});
afterAll(() => partner.close());
const fixture = brokerPerTest({ config: (b) => sessionConfig(partner.jwksUrl)(b) });

const BAD_NAME = 'cam!1';

describe('a stream name outside the KVS rule', () => {
  it.each([
    ['*', [{ stream: '*' }]],
    ['a prefix the name starts with (cam*)', [{ stream: 'cam*' }]],
  ])('is 400 INVALID_REQUEST naming streamName when a %s grant covers the path', async (_name, grants) => {
    const f = fixture();
    const res = await f.post(BAD_NAME, await f.mint(grants));
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      error: {
        code: 'INVALID_REQUEST',
        message: 'streamName: must be 1 to 256 characters of a-z, A-Z, 0-9, _ . -',
      },
    });
  });

  it('is 403 FORBIDDEN from the gateway when no grant covers the path: the policy is checked first', async () => {
    const f = fixture();
    const res = await f.post(BAD_NAME, await f.mint([{ stream: 'cam-1' }, { stream: 'site7-*' }]));
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({
      error: { code: 'FORBIDDEN', message: 'The token grants no access to this resource' },
    });
  });
});
