// The headers of an error answer, one rule for the broker and API Gateway's gateway responses alike.
import { describe, expect, it } from '@jest/globals';
import { ERROR_STATUS, errorHeaders } from '../../../lambda/core/errors';

describe('errorHeaders', () => {
  it('names the Bearer scheme with the RFC 6750 error on a 401, and only there', () => {
    for (const status of new Set(Object.values(ERROR_STATUS))) {
      expect(errorHeaders(status)).toEqual(
        status === 401 ? { 'WWW-Authenticate': 'Bearer error="invalid_token"' } : {},
      );
    }
  });

  it('carries Retry-After when there is one', () => {
    expect(errorHeaders(429, 1)).toEqual({ 'Retry-After': '1' });
    expect(errorHeaders(429, 0)).toEqual({ 'Retry-After': '0' });
  });
});
