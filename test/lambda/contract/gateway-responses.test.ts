// API Gateway's own answers in the contract's error shape (section 2: "Errors (all routes, the authorizer's gateway
// responses included)"). Tested through lambda/core/gateway-responses, its import path when this was written; if
// the table moves to a contract module, only the import below changes.
import { describe, expect, it } from '@jest/globals';
import {
  GATEWAY_ERROR_RESPONSES,
  GATEWAY_RETRY_AFTER_SECONDS,
  gatewayResponse,
} from '../../../lambda/contract/gateway-responses';

const JSON_NO_STORE = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };

describe('gatewayResponse', () => {
  // Expected statuses written from the contract's table, not read from ERROR_STATUS.
  it.each<[string, number, string, string]>([
    ['UNAUTHORIZED', 401, 'UNAUTHORIZED', 'Missing or invalid bearer token'],
    ['ACCESS_DENIED', 403, 'FORBIDDEN', 'The token grants no access to this resource'],
    ['AUTHORIZER_FAILURE', 502, 'UPSTREAM_ERROR', 'Authorization is unavailable'],
    ['AUTHORIZER_CONFIGURATION_ERROR', 502, 'UPSTREAM_ERROR', 'Authorization is unavailable'],
    ['MISSING_AUTHENTICATION_TOKEN', 404, 'NOT_FOUND', 'No such route'],
    ['RESOURCE_NOT_FOUND', 404, 'NOT_FOUND', 'No such route'],
    ['WAF_FILTERED', 403, 'FORBIDDEN', 'The request was blocked'],
    ['BAD_REQUEST_BODY', 400, 'INVALID_REQUEST', 'The request body is malformed'],
    ['BAD_REQUEST_PARAMETERS', 400, 'INVALID_REQUEST', 'The request parameters are malformed'],
    // keepStatus: API Gateway's own, more precise status
    ['REQUEST_TOO_LARGE', 413, 'INVALID_REQUEST', 'The request is too large'],
    ['UNSUPPORTED_MEDIA_TYPE', 415, 'INVALID_REQUEST', 'The request body must be JSON'],
    ['INTEGRATION_FAILURE', 502, 'UPSTREAM_ERROR', 'The broker failed to answer'],
    ['INTEGRATION_TIMEOUT', 504, 'UPSTREAM_TIMEOUT', 'The broker did not answer in time'],
    // DEFAULT_4XX/5XX stand for many statuses; locally the code's own status is the fallback
    ['DEFAULT_4XX', 400, 'INVALID_REQUEST', 'The request could not be processed'],
    ['DEFAULT_5XX', 502, 'UPSTREAM_ERROR', 'The service failed to answer'],
  ])('%s is %i %s, JSON and never cached', (type, statusCode, code, message) => {
    expect(gatewayResponse(type, 'req-9')).toEqual({
      statusCode,
      // RFC 6750 section 3: a 401 names the Bearer scheme and the error
      headers:
        statusCode === 401
          ? { ...JSON_NO_STORE, 'WWW-Authenticate': 'Bearer error="invalid_token"' }
          : JSON_NO_STORE,
      body: JSON.stringify({ error: { code, message }, requestId: 'req-9' }),
    });
  });

  it.each(['THROTTLED', 'QUOTA_EXCEEDED'])(
    '%s is 429 THROTTLED with Retry-After: 1 (stage throttling refills every second)',
    (type) => {
      expect(gatewayResponse(type, 'req-t')).toEqual({
        statusCode: 429,
        headers: { ...JSON_NO_STORE, 'Retry-After': '1' },
        body: JSON.stringify({
          error: { code: 'THROTTLED', message: 'Too many requests; retry later' },
          requestId: 'req-t',
        }),
      });
      expect(GATEWAY_RETRY_AFTER_SECONDS).toBe(1);
    },
  );

  it('refuses a type it does not know, loudly (a typo in the gateway, not a request)', () => {
    expect(() => gatewayResponse('UNAUTHORISED', 'r')).toThrow(
      new TypeError('no gateway response of type UNAUTHORISED'),
    );
  });

  it('covers every gateway response type a client of this API can meet, and no other', () => {
    expect(GATEWAY_ERROR_RESPONSES.map((r) => r.type).sort()).toEqual(
      [
        'ACCESS_DENIED',
        'AUTHORIZER_CONFIGURATION_ERROR',
        'AUTHORIZER_FAILURE',
        'BAD_REQUEST_BODY',
        'BAD_REQUEST_PARAMETERS',
        'DEFAULT_4XX',
        'DEFAULT_5XX',
        'INTEGRATION_FAILURE',
        'INTEGRATION_TIMEOUT',
        'MISSING_AUTHENTICATION_TOKEN',
        'QUOTA_EXCEEDED',
        'REQUEST_TOO_LARGE',
        'RESOURCE_NOT_FOUND',
        'THROTTLED',
        'UNAUTHORIZED',
        'UNSUPPORTED_MEDIA_TYPE',
        'WAF_FILTERED',
      ].sort(),
    );
  });
});
