// docs/api.md, "Errors": the status of every code and the code of every KVS exception, written out here
// by hand from the table in docs/api.md (never read back from lambda/core/errors.ts, so a wrong row there fails).
import { describe, expect, it } from '@jest/globals';
import {
  BrokerError,
  THROTTLE_RETRY_AFTER_SECONDS,
  errorBody,
  fromKvsFailure,
  toBrokerError,
  type ErrorCode,
} from '../../../lambda/core/errors';

describe('BrokerError status, per docs/api.md', () => {
  it.each<[ErrorCode, number]>([
    ['INVALID_REQUEST', 400],
    ['UNAUTHORIZED', 401],
    ['TOKEN_REVOKED', 401],
    ['FORBIDDEN', 403],
    ['NOT_FOUND', 404],
    ['STREAM_NOT_PLAYABLE', 422],
    ['THROTTLED', 429],
    ['SEAT_LIMIT', 429],
    ['UPSTREAM_ERROR', 502],
    ['STATE_UNAVAILABLE', 503],
    ['UPSTREAM_TIMEOUT', 504],
    // Not a documented code: what a bug of ours becomes (hidden behind a generic message).
    ['INTERNAL_ERROR', 500],
  ])('%s is %i', (code, status) => {
    const e = new BrokerError(code, 'm');
    expect({ name: e.name, code: e.code, status: e.status, message: e.message }).toEqual({
      name: 'BrokerError',
      code,
      status,
      message: 'm',
    });
    expect(e).toBeInstanceOf(Error);
  });

  it('keeps reason, Retry-After and the log-only detail it was given', () => {
    const e = new BrokerError('THROTTLED', 'slow down', {
      reason: 'ClientLimitExceededException',
      retryAfterSeconds: 7,
      detail: 'for the log',
    });
    expect({ reason: e.reason, retryAfterSeconds: e.retryAfterSeconds, detail: e.detail }).toEqual({
      reason: 'ClientLimitExceededException',
      retryAfterSeconds: 7,
      detail: 'for the log',
    });
  });
});

describe('fromKvsFailure, per KVS exception name (docs/api.md)', () => {
  it.each<[string, ErrorCode, number, string | undefined, string]>([
    [
      'ResourceNotFoundException',
      'NOT_FOUND',
      404,
      undefined,
      'No such stream, or no fragments in the requested range',
    ],
    [
      'NoDataRetentionException',
      'STREAM_NOT_PLAYABLE',
      422,
      'NoDataRetentionException',
      'The stream does not retain data',
    ],
    [
      'UnsupportedStreamMediaTypeException',
      'STREAM_NOT_PLAYABLE',
      422,
      'UnsupportedStreamMediaTypeException',
      'The stream media type cannot be played over DASH or HLS',
    ],
    [
      'MissingCodecPrivateDataException',
      'STREAM_NOT_PLAYABLE',
      422,
      'MissingCodecPrivateDataException',
      'The stream has no codec private data',
    ],
    [
      'InvalidCodecPrivateDataException',
      'STREAM_NOT_PLAYABLE',
      422,
      'InvalidCodecPrivateDataException',
      'The stream codec private data is invalid',
    ],
    [
      'InvalidArgumentException',
      'INVALID_REQUEST',
      400,
      'InvalidArgumentException',
      'Kinesis Video Streams rejected the request parameters',
    ],
    // Our role lacks permission: the caller must not learn that, nor the exception name.
    [
      'NotAuthorizedException',
      'UPSTREAM_ERROR',
      502,
      undefined,
      'The broker is not authorized to open this stream',
    ],
    // "another KVS fault"
    ['InternalFailure', 'UPSTREAM_ERROR', 502, undefined, 'Kinesis Video Streams failed to answer'],
    ['ServiceUnavailable', 'UPSTREAM_ERROR', 502, undefined, 'Kinesis Video Streams failed to answer'],
    // An exception name is matched exactly, not by prefix or case.
    ['resourcenotfoundexception', 'UPSTREAM_ERROR', 502, undefined, 'Kinesis Video Streams failed to answer'],
  ])('%s is %s (%i), reason %s', (name, code, status, reason, message) => {
    const e = fromKvsFailure({ name, message: 'from KVS' });
    expect({ code: e.code, status: e.status, reason: e.reason, message: e.message }).toEqual({
      code,
      status,
      reason,
      message,
    });
    expect(e.retryAfterSeconds).toBeUndefined();
    expect(e.detail).toBe(`${name}: from KVS`);
  });

  it('ClientLimitExceededException is 429 THROTTLED with a Retry-After of one second (KVS quotas are per second)', () => {
    const e = fromKvsFailure({ name: 'ClientLimitExceededException', message: 'slow' });
    expect({
      code: e.code,
      status: e.status,
      reason: e.reason,
      message: e.message,
      retryAfterSeconds: e.retryAfterSeconds,
      detail: e.detail,
    }).toEqual({
      code: 'THROTTLED',
      status: 429,
      reason: undefined,
      message: 'Too many requests for this stream; retry later',
      retryAfterSeconds: 1,
      detail: 'ClientLimitExceededException: slow',
    });
    expect(THROTTLE_RETRY_AFTER_SECONDS).toBe(1);
  });

  it('a timeout is 504 UPSTREAM_TIMEOUT whatever the exception name', () => {
    for (const name of ['TimeoutError', 'ResourceNotFoundException', 'ClientLimitExceededException']) {
      const e = fromKvsFailure({ name, message: 'late', timedOut: true });
      expect({
        code: e.code,
        status: e.status,
        message: e.message,
        reason: e.reason,
        detail: e.detail,
      }).toEqual({
        code: 'UPSTREAM_TIMEOUT',
        status: 504,
        message: 'Kinesis Video Streams did not answer in time',
        reason: undefined,
        detail: name,
      });
    }
  });

  // The table is a plain object: a name that is an Object.prototype member must not find a function there.
  it.each(['toString', 'constructor', 'hasOwnProperty'])(
    'an exception named %s is UPSTREAM_ERROR (502), like any unknown name',
    (name) => {
      const e = fromKvsFailure({ name, message: 'odd' });
      expect({ code: e.code, status: e.status, message: e.message }).toEqual({
        code: 'UPSTREAM_ERROR',
        status: 502,
        message: 'Kinesis Video Streams failed to answer',
      });
    },
  );

  it('timedOut false is not a timeout', () => {
    expect(fromKvsFailure({ name: 'ResourceNotFoundException', timedOut: false }).code).toBe('NOT_FOUND');
  });

  it('logs an absent KVS message as empty, never "undefined"', () => {
    expect(fromKvsFailure({ name: 'InternalFailure' }).detail).toBe('InternalFailure: ');
    expect(fromKvsFailure({ name: 'ResourceNotFoundException' }).detail).toBe('ResourceNotFoundException: ');
  });
});

describe('errorBody', () => {
  it('carries the code and message of a BrokerError', () => {
    expect(errorBody(new BrokerError('NOT_FOUND', 'No such stream'), 'req-1')).toEqual({
      error: { code: 'NOT_FOUND', message: 'No such stream' },
      requestId: 'req-1',
    });
  });

  it('carries the KVS exception name as error.reason for STREAM_NOT_PLAYABLE', () => {
    expect(errorBody(fromKvsFailure({ name: 'NoDataRetentionException', message: 'x' }), 'req-3')).toEqual({
      error: {
        code: 'STREAM_NOT_PLAYABLE',
        message: 'The stream does not retain data',
        reason: 'NoDataRetentionException',
      },
      requestId: 'req-3',
    });
  });

  it('never sends the log-only detail', () => {
    const body = errorBody(
      new BrokerError('UPSTREAM_ERROR', 'failed', { detail: 'arn:aws:iam::123:role/x' }),
      'r',
    );
    expect(JSON.stringify(body)).not.toContain('arn:aws');
  });

  it.each([
    ['an Error', new TypeError('secret detail at /var/task/index.mjs:1')],
    ['a string', 'secret detail'],
    ['undefined', undefined],
  ])('hides %s behind INTERNAL_ERROR', (_what, thrown) => {
    expect(errorBody(thrown, 'req-2')).toEqual({
      error: { code: 'INTERNAL_ERROR', message: 'Internal error' },
      requestId: 'req-2',
    });
  });
});

describe('toBrokerError', () => {
  it('returns a BrokerError as it is', () => {
    const e = new BrokerError('FORBIDDEN', 'no');
    expect(toBrokerError(e)).toBe(e);
  });

  it.each([
    [new RangeError('boom'), 'RangeError: boom'],
    ['plain string', 'plain string'],
    [42, '42'],
  ])('keeps what %p was in the log-only detail', (thrown, detail) => {
    const e = toBrokerError(thrown);
    expect({ code: e.code, status: e.status, message: e.message, detail: e.detail }).toEqual({
      code: 'INTERNAL_ERROR',
      status: 500,
      message: 'Internal error',
      detail,
    });
  });
});
