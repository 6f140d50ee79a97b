// The local API Gateway's contract behaviour: CORS preflights per resource as the deployed OPTIONS methods answer
// them, the open /openapi.json route, and `npm start` refusing the CORS origins synth refuses.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLocalBroker, type LocalBroker } from '../../local/app';
import { captureOutput, devIssuerConfig, startTestBroker, type Captured } from '../support/local-broker';

let broker: LocalBroker;
let captured: Captured;

beforeAll(async () => {
  captured = captureOutput();
  broker = await startTestBroker((baseUrl) => ({
    issuers: [devIssuerConfig(baseUrl)],
    cors: { allowOrigins: ['https://app.example.com'] },
    local: { streams: [{ name: 'cam-1' }] },
  }));
});

afterAll(async () => {
  captured.restore();
  await broker.close();
});

async function preflight(path: string, origin = 'https://app.example.com') {
  const res = await fetch(`${broker.url}${path}`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => (headers[name] = value));
  return { status: res.status, headers };
}

describe('CORS preflight', () => {
  it.each([
    ['/v1/streams/cam-1/sessions', 'POST,OPTIONS'],
    ['/v1/streams', 'GET,OPTIONS'],
    ['/openapi.json', 'GET,OPTIONS'],
  ])('answers OPTIONS %s with its methods and a one-hour max age', async (path, methods) => {
    const res = await preflight(path);
    expect(res.status).toBe(204);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example.com',
      'access-control-allow-methods': methods,
      'access-control-allow-headers': 'Authorization,Content-Type',
      'access-control-max-age': '3600',
    });
  });

  it('names no origin outside cors.allowOrigins', async () => {
    const res = await preflight('/v1/streams', 'https://evil.example.net');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('has no preflight for a path the API does not have (404 NOT_FOUND, as API Gateway)', async () => {
    const res = await fetch(`${broker.url}/v2/nothing`, { method: 'OPTIONS' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'No such route' },
      requestId: expect.any(String),
    });
  });
});

describe('GET /openapi.json', () => {
  it('needs no token, is cacheable and lets allowed origins read it', async () => {
    const res = await fetch(`${broker.url}/openapi.json`, { headers: { Origin: 'https://app.example.com' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('max-age=300');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(((await res.json()) as { openapi: string }).openapi).toBe('3.1.1');
  });

  it('is not open to other methods', async () => {
    const res = await fetch(`${broker.url}/openapi.json`, { method: 'POST' });
    expect(res.status).toBe(404);
  });
});

describe('npm start', () => {
  it.each([['app.example.com'], ['https://app.example.com/'], ['https://app.example.com/path']])(
    'refuses cors.allowOrigins %p as synth does',
    async (origin) => {
      await expect(
        startLocalBroker({
          config: (baseUrl: string) => ({
            issuers: [devIssuerConfig(baseUrl)],
            cors: { allowOrigins: [origin] },
          }),
        }),
      ).rejects.toThrow(
        "Invalid kvs-session-broker configuration:\n  - cors.allowOrigins[0]: must be '*' or an origin such as https://app.example.com",
      );
    },
  );
});
