// Config `streams` scopes what the broker serves (and its IAM role): a grant cannot reach past it.
import { describe, expect, it } from '@jest/globals';
import { brokerPerTest } from '../support/broker-fixture';
import { devIssuerConfig } from '../support/local-broker';

const fixture = brokerPerTest({
  config: (baseUrl) => ({
    issuers: [devIssuerConfig(baseUrl)],
    streams: ['cam-*', 'lobby'],
    local: { streams: ['cam-1', 'lobby', 'office-1'].map((name) => ({ name })), enforceQuotas: false },
  }),
});

describe('config streams', () => {
  it('serves the streams they name, by prefix and exactly', async () => {
    const f = fixture();
    const token = await f.mint([{ stream: '*' }]);
    expect((await f.post('cam-1', token)).json).toMatchObject({ streamName: 'cam-1' });
    expect((await f.post('lobby', token)).json).toMatchObject({ streamName: 'lobby' });
  });

  it('refuses another stream with 403 before KVS is called, even under a * grant', async () => {
    const f = fixture();
    const token = await f.mint([{ stream: '*' }]);
    const before = f.broker.emulator.stats().requests;
    const res = await f.post('office-1', token);
    const requestId = res.headers['x-amzn-requestid'];
    expect({ status: res.status, json: res.json }).toEqual({
      status: 403,
      json: {
        error: { code: 'FORBIDDEN', message: 'This broker does not serve stream office-1' },
        requestId,
      },
    });
    expect(f.broker.emulator.stats().requests).toEqual(before);
    expect(f.audit(requestId)).toEqual([
      expect.objectContaining({ outcome: 'DENIED', errorCode: 'FORBIDDEN', reason: 'STREAM_NOT_SERVED' }),
    ]);
  });

  it('lists only the streams they name', async () => {
    const f = fixture();
    const res = await f.get('/v1/streams', await f.mint([{ stream: '*' }]));
    expect(res.json).toEqual({
      streams: [
        { streamName: 'cam-1', modes: ['LIVE'], protocols: ['DASH', 'HLS'] },
        { streamName: 'lobby', modes: ['LIVE'], protocols: ['DASH', 'HLS'] },
      ],
    });
  });
});
