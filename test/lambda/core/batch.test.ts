// POST /v1/sessions's body rules and entry errors (lambda/core/batch.ts): a bad body refuses the whole request,
// naming the entry and field; a refused entry carries its code, message, reason and Retry-After seconds.
import { describe, expect, it } from '@jest/globals';
import { entryError, MAX_BATCH_SESSIONS, parseSessionBatch } from '../../../lambda/core/batch';
import { BrokerError } from '../../../lambda/core/errors';
import { parseSessionRequest } from '../../../lambda/core/request';

const message = (body: unknown) => {
  try {
    parseSessionBatch(body);
  } catch (error) {
    return error instanceof BrokerError ? `${error.code} ${error.message}` : String(error);
  }
  return 'accepted';
};

describe('parseSessionBatch', () => {
  it('reads each entry as the single-session body of its stream, in order, defaults applied', () => {
    const entries = [
      { streamName: 'cam-1' },
      { streamName: 'cam-2', protocol: 'HLS', expiresInSeconds: 600 },
    ];
    expect(parseSessionBatch({ sessions: entries })).toEqual([
      parseSessionRequest('cam-1', {}),
      parseSessionRequest('cam-2', { protocol: 'HLS', expiresInSeconds: 600 }),
    ]);
  });

  it(`takes 1 to ${MAX_BATCH_SESSIONS} entries`, () => {
    const n = (count: number) => ({
      sessions: Array.from({ length: count }, () => ({ streamName: 'cam-1' })),
    });
    expect(MAX_BATCH_SESSIONS).toBe(16);
    expect(parseSessionBatch(n(1))).toHaveLength(1);
    expect(parseSessionBatch(n(16))).toHaveLength(16);
    expect(message(n(0))).toBe('INVALID_REQUEST sessions: must hold 1 to 16 entries');
    expect(message(n(17))).toBe('INVALID_REQUEST sessions: must hold 1 to 16 entries');
  });

  it.each([
    [undefined, 'body: must be a JSON object'],
    [[{ streamName: 'cam-1' }], 'body: must be a JSON object'],
    ['sessions', 'body: must be a JSON object'],
    [{}, 'sessions: must be an array'],
    [{ sessions: { streamName: 'cam-1' } }, 'sessions: must be an array'],
    [{ sessions: [{ streamName: 'cam-1' }], viewerId: 'x', more: 1 }, 'viewerId, more: unknown field'],
    [{ sessions: [{ streamName: 'cam-1' }, null] }, 'sessions.1: must be a JSON object'],
    [{ sessions: [['cam-1']] }, 'sessions.0: must be a JSON object'],
    [
      { sessions: [{ protocol: 'HLS' }] },
      'sessions.0.streamName: must be 1 to 256 characters of a-z, A-Z, 0-9, _ . -',
    ],
    [
      { sessions: [{ streamName: 'cam 1' }] },
      'sessions.0.streamName: must be 1 to 256 characters of a-z, A-Z, 0-9, _ . -',
    ],
    [
      { sessions: [{ streamName: 'cam-1' }, { streamName: 'cam-1', colour: 'red' }] },
      'sessions.1.colour: unknown field',
    ],
    [
      { sessions: [{ streamName: 'cam-1', protocol: 'DASH', containerFormat: 'MPEG_TS' }] },
      'sessions.0.containerFormat: only allowed with protocol HLS',
    ],
  ])('refuses %j: %s', (body, expected) => {
    expect(message(body)).toBe(`INVALID_REQUEST ${expected}`);
  });
});

describe('parseSessionBatch, a fault', () => {
  it("lets a fault that is no refusal of the input through as it is, never as the caller's 400", () => {
    // No JSON body holds such a value; a revoked proxy is one the schema check cannot inspect (a TypeError), as a
    // bug would be. Renamed to its entry it would go out as INVALID_REQUEST with an internal message.
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const body = { sessions: [{ streamName: 'cam-1', expiresInSeconds: proxy }] };
    expect(() => parseSessionBatch(body)).toThrow(TypeError);
    expect(() => parseSessionBatch(body)).not.toThrow(BrokerError);
  });
});

describe('entryError', () => {
  it('carries the code, the message and the exposed reason, never the internal detail', () => {
    const e = new BrokerError('STREAM_NOT_PLAYABLE', 'The stream does not retain data', {
      reason: 'NoDataRetentionException',
      detail: 'internal',
    });
    expect(entryError('cam-1', e)).toEqual({
      streamName: 'cam-1',
      error: {
        code: 'STREAM_NOT_PLAYABLE',
        message: 'The stream does not retain data',
        reason: 'NoDataRetentionException',
      },
    });
  });

  it('carries Retry-After seconds for a throttled entry, and nothing more for a refusal', () => {
    expect(entryError('cam-1', new BrokerError('THROTTLED', 'Slow down', { retryAfterSeconds: 0 }))).toEqual({
      streamName: 'cam-1',
      error: { code: 'THROTTLED', message: 'Slow down' },
      retryAfterSeconds: 0,
    });
    // toStrictEqual: no retryAfterSeconds key at all (toEqual passes a key set to undefined)
    expect(entryError('cam-2', new BrokerError('FORBIDDEN', 'No grant'))).toStrictEqual({
      streamName: 'cam-2',
      error: { code: 'FORBIDDEN', message: 'No grant' },
    });
  });
});
