// CORS answers (SECURITY.md, Browsers): no response ever reflects an origin outside cors.allowOrigins.
import { describe, expect, it } from '@jest/globals';
import { CORS_EXPOSE_HEADERS, corsHeaders, staticCorsHeaders } from '../../../lambda/core/cors';

const APP = 'https://app.example.com';

describe('corsHeaders', () => {
  it.each<[string, string | undefined, string[], Record<string, string>]>([
    [
      'an allowed origin is echoed, with Vary: Origin for caches',
      APP,
      [APP],
      {
        'Access-Control-Allow-Origin': APP,
        'Access-Control-Expose-Headers': 'Retry-After',
        Vary: 'Origin',
      },
    ],
    [
      'the second of several allowed origins is echoed',
      'https://b.example.com',
      [APP, 'https://b.example.com'],
      {
        'Access-Control-Allow-Origin': 'https://b.example.com',
        'Access-Control-Expose-Headers': 'Retry-After',
        Vary: 'Origin',
      },
    ],
    [
      '* allows any origin without echoing it',
      'https://evil.example',
      ['*'],
      {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Expose-Headers': 'Retry-After',
      },
    ],
    [
      '* among named origins still allows any',
      'https://other.example',
      [APP, '*'],
      {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Expose-Headers': 'Retry-After',
      },
    ],
    ['an origin outside the list gets nothing', 'https://evil.example', [APP], {}],
    ['a same-site look-alike gets nothing', 'https://app.example.com.evil.example', [APP], {}],
    ['a scheme change gets nothing', 'http://app.example.com', [APP], {}],
    ['a case change gets nothing (origins compare exactly)', 'https://APP.example.com', [APP], {}],
    ['the string "null" (sandboxed frames) gets nothing', 'null', [APP], {}],
    ['no Origin header gets nothing', undefined, [APP], {}],
    ['no Origin header gets nothing even with *', undefined, ['*'], {}],
    ['an empty Origin gets nothing', '', ['*'], {}],
    ['an empty allow-list allows nobody', APP, [], {}],
  ])('%s', (_name, origin, allowOrigins, headers) => {
    expect(corsHeaders(origin, allowOrigins)).toEqual(headers);
  });
});

// Gateway and WAF answers cannot read the request's Origin: one static value, or none when it would have to be chosen.
describe('staticCorsHeaders', () => {
  it('sends `*` as it is, even beside other origins', () => {
    const any = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'Retry-After' };
    expect(staticCorsHeaders(['*'])).toStrictEqual(any);
    expect(staticCorsHeaders([APP, '*'])).toStrictEqual(any);
  });

  it('sends the one allowed origin as it is', () => {
    expect(staticCorsHeaders([APP])).toStrictEqual({
      'Access-Control-Allow-Origin': APP,
      ...CORS_EXPOSE_HEADERS,
    });
  });

  it('sends nothing for several origins (echoing would hand any site the answer) or none', () => {
    expect(staticCorsHeaders([APP, 'https://admin.example.com'])).toStrictEqual({});
    expect(staticCorsHeaders([])).toStrictEqual({});
  });
});
