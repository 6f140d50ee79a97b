import { describe, expect, it } from '@jest/globals';
import { BrokerError } from '../../../lambda/core/errors';
import { parseSessionRequest } from '../../../lambda/core/request';

function failure(streamName: unknown, body: unknown): { code: string; message: string } {
  try {
    parseSessionRequest(streamName, body);
  } catch (e) {
    if (e instanceof BrokerError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a failure');
}

const START = '2026-11-25T09:00:00Z';
const END = '2026-11-25T09:30:00+00:00';

describe('parseSessionRequest', () => {
  it('applies the defaults to an empty body: DASH, LIVE, SERVER_TIMESTAMP, NEVER', () => {
    // toStrictEqual: an optional field the caller did not send is absent, not present as undefined.
    expect(parseSessionRequest('cam-1', undefined)).toStrictEqual({
      streamName: 'cam-1',
      protocol: 'DASH',
      playbackMode: 'LIVE',
      fragmentSelectorType: 'SERVER_TIMESTAMP',
      displayFragmentTimestamp: 'NEVER',
      displayFragmentNumber: 'NEVER',
    });
  });

  it('applies the HLS defaults', () => {
    expect(parseSessionRequest('cam-1', { protocol: 'HLS' })).toMatchObject({
      containerFormat: 'FRAGMENTED_MP4',
      discontinuityMode: 'ALWAYS',
    });
    expect(parseSessionRequest('cam-1', { protocol: 'HLS' })).not.toHaveProperty('displayFragmentNumber');
  });

  it('reads an ON_DEMAND range as epoch milliseconds', () => {
    expect(
      parseSessionRequest('cam.1_x', {
        playbackMode: 'ON_DEMAND',
        startTimestamp: START,
        endTimestamp: END,
        expiresInSeconds: 900,
        maxFragmentResults: 1000,
      }),
    ).toMatchObject({
      startMs: Date.parse(START),
      endMs: Date.parse(END),
      expiresInSeconds: 900,
      maxFragmentResults: 1000,
    });
  });

  it('accepts a LIVE_REPLAY without an end', () => {
    expect(
      parseSessionRequest('cam-1', { playbackMode: 'LIVE_REPLAY', startTimestamp: START }),
    ).not.toHaveProperty('endMs');
  });

  it.each<[string, unknown, unknown, string]>([
    ['an empty stream name', '', {}, 'streamName: must be 1 to 256 characters of a-z, A-Z, 0-9, _ . -'],
    [
      'a stream name with a slash',
      'cam/1',
      {},
      'streamName: must be 1 to 256 characters of a-z, A-Z, 0-9, _ . -',
    ],
    [
      'a 257-character stream name',
      'a'.repeat(257),
      {},
      'streamName: must be 1 to 256 characters of a-z, A-Z, 0-9, _ . -',
    ],
    ['a body that is an array', 'cam-1', [], 'body: must be a JSON object'],
    ['a body that is a string', 'cam-1', 'LIVE', 'body: must be a JSON object'],
    ['an unknown field', 'cam-1', { protocol: 'DASH', codec: 'h264' }, 'codec: unknown field'],
    [
      'an unknown protocol',
      'cam-1',
      { protocol: 'RTSP' },
      'protocol: Invalid option: expected one of "DASH"|"HLS"',
    ],
    [
      'an expiry below 300',
      'cam-1',
      { expiresInSeconds: 299 },
      'expiresInSeconds: Too small: expected number to be >=300',
    ],
    [
      'an expiry above 43200',
      'cam-1',
      { expiresInSeconds: 43201 },
      'expiresInSeconds: Too big: expected number to be <=43200',
    ],
    [
      'a fractional expiry',
      'cam-1',
      { expiresInSeconds: 300.5 },
      'expiresInSeconds: Invalid input: expected int, received number',
    ],
    [
      'an expiry as a string',
      'cam-1',
      { expiresInSeconds: '300' },
      'expiresInSeconds: Invalid input: expected number, received string',
    ],
    [
      'maxFragmentResults of 0',
      'cam-1',
      { maxFragmentResults: 0 },
      'maxFragmentResults: Too small: expected number to be >=1',
    ],
    [
      'maxFragmentResults of 5001',
      'cam-1',
      { maxFragmentResults: 5001 },
      'maxFragmentResults: Too big: expected number to be <=5000',
    ],
    [
      'a timestamp without zone',
      'cam-1',
      { playbackMode: 'ON_DEMAND', startTimestamp: '2026-11-25T09:00:00', endTimestamp: END },
      'startTimestamp: must be an ISO 8601 date-time with a zone',
    ],
    [
      'a start with LIVE',
      'cam-1',
      { startTimestamp: START },
      'startTimestamp: not allowed with playbackMode LIVE',
    ],
    ['an end with LIVE', 'cam-1', { endTimestamp: END }, 'endTimestamp: not allowed with playbackMode LIVE'],
    [
      'LIVE_REPLAY without start',
      'cam-1',
      { playbackMode: 'LIVE_REPLAY' },
      'startTimestamp: required with playbackMode LIVE_REPLAY',
    ],
    [
      'ON_DEMAND without end',
      'cam-1',
      { playbackMode: 'ON_DEMAND', startTimestamp: START },
      'endTimestamp: required with playbackMode ON_DEMAND',
    ],
    [
      'an end before the start',
      'cam-1',
      { playbackMode: 'ON_DEMAND', startTimestamp: END, endTimestamp: START },
      'endTimestamp: must be after startTimestamp',
    ],
    [
      'an end equal to the start',
      'cam-1',
      { playbackMode: 'ON_DEMAND', startTimestamp: START, endTimestamp: START },
      'endTimestamp: must be after startTimestamp',
    ],
    [
      'a range over 24 hours',
      'cam-1',
      { playbackMode: 'ON_DEMAND', startTimestamp: START, endTimestamp: '2026-11-26T09:00:01Z' },
      'endTimestamp: must be within 24 hours of startTimestamp',
    ],
    [
      'containerFormat with DASH',
      'cam-1',
      { containerFormat: 'MPEG_TS' },
      'containerFormat: only allowed with protocol HLS',
    ],
    [
      'discontinuityMode with DASH',
      'cam-1',
      { discontinuityMode: 'NEVER' },
      'discontinuityMode: only allowed with protocol HLS',
    ],
    [
      'displayFragmentNumber with HLS',
      'cam-1',
      { protocol: 'HLS', displayFragmentNumber: 'ALWAYS' },
      'displayFragmentNumber: only allowed with protocol DASH',
    ],
  ])('refuses %s with a message naming the field', (_name, stream, body, message) => {
    expect(failure(stream, body)).toEqual({ code: 'INVALID_REQUEST', message });
  });

  it('accepts a range of exactly 24 hours', () => {
    expect(() =>
      parseSessionRequest('cam-1', {
        playbackMode: 'ON_DEMAND',
        startTimestamp: START,
        endTimestamp: '2026-11-26T09:00:00Z',
      }),
    ).not.toThrow();
  });
});

describe('parseSessionRequest, more', () => {
  it.each<[string, unknown]>([
    ['undefined (no path parameter)', undefined],
    ['null', null],
    ['a number', 123],
    ['an array of one name', ['cam-1']],
  ])('refuses a stream name that is %s, even when its text would pass the KVS rule', (_what, streamName) => {
    expect(failure(streamName, {})).toEqual({
      code: 'INVALID_REQUEST',
      message: 'streamName: must be 1 to 256 characters of a-z, A-Z, 0-9, _ . -',
    });
  });

  it('accepts a 256-character stream name, the KVS maximum', () => {
    expect(parseSessionRequest('a'.repeat(256), undefined).streamName).toBe('a'.repeat(256));
  });

  it('refuses a JSON null body (it is no object)', () => {
    expect(failure('cam-1', null)).toEqual({
      code: 'INVALID_REQUEST',
      message: 'body: must be a JSON object',
    });
  });

  it('names every unknown field at once', () => {
    expect(failure('cam-1', { codec: 'h264', fps: 30 })).toEqual({
      code: 'INVALID_REQUEST',
      message: 'codec, fps: unknown field',
    });
  });

  it('leaves out the LIVE_REPLAY end, and reads every optional field only when sent', () => {
    expect(
      parseSessionRequest('cam-1', { playbackMode: 'LIVE_REPLAY', startTimestamp: START }),
    ).toStrictEqual({
      streamName: 'cam-1',
      protocol: 'DASH',
      playbackMode: 'LIVE_REPLAY',
      fragmentSelectorType: 'SERVER_TIMESTAMP',
      startMs: Date.parse(START),
      displayFragmentTimestamp: 'NEVER',
      displayFragmentNumber: 'NEVER',
    });
  });

  it('keeps every HLS option it was given', () => {
    expect(
      parseSessionRequest('cam-1', {
        protocol: 'HLS',
        fragmentSelectorType: 'PRODUCER_TIMESTAMP',
        containerFormat: 'MPEG_TS',
        discontinuityMode: 'ON_DISCONTINUITY',
        displayFragmentTimestamp: 'ALWAYS',
        expiresInSeconds: 43200,
        maxFragmentResults: 5000,
      }),
    ).toStrictEqual({
      streamName: 'cam-1',
      protocol: 'HLS',
      playbackMode: 'LIVE',
      fragmentSelectorType: 'PRODUCER_TIMESTAMP',
      containerFormat: 'MPEG_TS',
      discontinuityMode: 'ON_DISCONTINUITY',
      displayFragmentTimestamp: 'ALWAYS',
      expiresInSeconds: 43200,
      maxFragmentResults: 5000,
    });
  });

  it("keeps the viewerId it was given, the device's id that seats are counted by (docs/api.md, Seats)", () => {
    expect(parseSessionRequest('cam-1', { protocol: 'HLS', viewerId: 'tv-1:lobby' }).viewerId).toBe(
      'tv-1:lobby',
    );
    expect(parseSessionRequest('cam-1', { viewerId: 'a'.repeat(128) }).viewerId).toBe('a'.repeat(128));
  });

  it('keeps displayFragmentNumber for DASH', () => {
    expect(parseSessionRequest('cam-1', { displayFragmentNumber: 'ALWAYS' }).displayFragmentNumber).toBe(
      'ALWAYS',
    );
  });
});
