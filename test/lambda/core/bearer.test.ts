// Reading `Authorization: Bearer <token>` (RFC 6750 section 2.1: b64token syntax; scheme and header name
// case-insensitive, RFC 7235 / RFC 9110).
import { describe, expect, it } from '@jest/globals';
import { bearerToken, headerValue } from '../../../lambda/core/bearer';

const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln-_';

describe('headerValue', () => {
  it('finds a header whatever the case of its name', () => {
    expect(headerValue({ 'X-Forwarded-For': '1.2.3.4' }, 'x-forwarded-for')).toBe('1.2.3.4');
    expect(headerValue({ 'x-forwarded-for': '1.2.3.4' }, 'X-Forwarded-For')).toBe('1.2.3.4');
  });

  it('returns the first match and undefined when absent', () => {
    expect(headerValue({ a: '1', A: '2' }, 'a')).toBe('1');
    expect(headerValue({ b: '1' }, 'a')).toBeUndefined();
    expect(headerValue({}, 'a')).toBeUndefined();
  });

  it('does not match a header whose name only contains the wanted one', () => {
    expect(headerValue({ 'x-authorization': 'Bearer t' }, 'authorization')).toBeUndefined();
  });
});

describe('bearerToken', () => {
  it.each<[string, Record<string, string | undefined>, string | undefined]>([
    ['a bearer token', { Authorization: `Bearer ${JWT}` }, JWT],
    ['a lower-case header name', { authorization: `Bearer ${JWT}` }, JWT],
    ['a lower-case scheme', { Authorization: `bearer ${JWT}` }, JWT],
    ['an upper-case scheme', { Authorization: `BEARER ${JWT}` }, JWT],
    ['several spaces after the scheme, trailing spaces', { Authorization: `Bearer   ${JWT}  ` }, JWT],
    ['b64token characters ~ + / and = padding', { Authorization: 'Bearer a~b+c/d==' }, 'a~b+c/d=='],
    ['no header', {}, undefined],
    ['an undefined header', { Authorization: undefined }, undefined],
    ['another scheme', { Authorization: `Basic ${JWT}` }, undefined],
    ['the scheme alone', { Authorization: 'Bearer' }, undefined],
    ['the scheme and a space', { Authorization: 'Bearer ' }, undefined],
    ['no space after the scheme', { Authorization: `Bearer${JWT}` }, undefined],
    ['a scheme prefix', { Authorization: `XBearer ${JWT}` }, undefined],
    ['leading space before the scheme', { Authorization: ` Bearer ${JWT}` }, undefined],
    ['two tokens', { Authorization: `Bearer ${JWT} ${JWT}` }, undefined],
    ['a character outside b64token', { Authorization: 'Bearer abc$def' }, undefined],
    ['padding in the middle', { Authorization: 'Bearer ab=cd' }, undefined],
    ['a tab instead of a space', { Authorization: `Bearer\t${JWT}` }, undefined],
    ['a newline after the token', { Authorization: `Bearer ${JWT}\nX: y` }, undefined],
  ])('%s', (_name, headers, token) => {
    expect(bearerToken(headers)).toBe(token);
  });
});
