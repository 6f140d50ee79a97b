import { describe, expect, it } from '@jest/globals';
import { BrokerError, ERROR_STATUS, errorBody, fromKvsFailure } from '../../../lambda/core/errors';

describe('fromKvsFailure', () => {
  it.each([
    ['ResourceNotFoundException', 'NOT_FOUND', 404, undefined],
    ['NoDataRetentionException', 'STREAM_NOT_PLAYABLE', 422, 'NoDataRetentionException'],
    [
      'UnsupportedStreamMediaTypeException',
      'STREAM_NOT_PLAYABLE',
      422,
      'UnsupportedStreamMediaTypeException',
    ],
    ['MissingCodecPrivateDataException', 'STREAM_NOT_PLAYABLE', 422, 'MissingCodecPrivateDataException'],
    ['InvalidCodecPrivateDataException', 'STREAM_NOT_PLAYABLE', 422, 'InvalidCodecPrivateDataException'],
    ['ClientLimitExceededException', 'THROTTLED', 429, undefined],
    ['InvalidArgumentException', 'INVALID_REQUEST', 400, 'InvalidArgumentException'],
    ['NotAuthorizedException', 'UPSTREAM_ERROR', 502, undefined],
    ['InternalFailure', 'UPSTREAM_ERROR', 502, undefined],
  ])('maps %s to %s (%i)', (name, code, status, reason) => {
    const e = fromKvsFailure({ name, message: 'from KVS' });
    expect({ code: e.code, status: e.status, reason: e.reason }).toEqual({ code, status, reason });
    expect(e.detail).toBe(`${name}: from KVS`);
  });

  it('maps a timeout to UPSTREAM_TIMEOUT whatever the name', () => {
    expect(fromKvsFailure({ name: 'TimeoutError', timedOut: true }).status).toBe(504);
  });

  it('tells a throttled caller when to retry', () => {
    expect(fromKvsFailure({ name: 'ClientLimitExceededException' }).retryAfterSeconds).toBe(1);
  });
});

describe('errorBody', () => {
  it('carries the code and message of a BrokerError', () => {
    expect(errorBody(new BrokerError('NOT_FOUND', 'No such stream'), 'req-1')).toEqual({
      error: { code: 'NOT_FOUND', message: 'No such stream' },
      requestId: 'req-1',
    });
  });

  it('hides anything else behind INTERNAL_ERROR', () => {
    expect(errorBody(new TypeError('secret detail at /var/task/index.mjs:1'), 'req-2')).toEqual({
      error: { code: 'INTERNAL_ERROR', message: 'Internal error' },
      requestId: 'req-2',
    });
  });

  it('derives every status from the one table', () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      expect(new BrokerError(code as keyof typeof ERROR_STATUS, 'm').status).toBe(status);
    }
  });
});
