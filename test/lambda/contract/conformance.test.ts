// Real answers of the local server (the same handlers and gateway responses as deployed) validated against the
// OpenAPI document: every status they use is documented, and every body and documented header fits its schema.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../../lambda/contract/openapi';
import { startLocalBroker, type LocalBroker } from '../../../local/app';
import { generateDevKey } from '../../../local/dev-issuer';
import { captureOutput, devIssuerConfig, type Captured } from '../../support/local-broker';

interface Header {
  required?: boolean;
  schema: Record<string, unknown>;
}
interface ResponseSpec {
  headers?: Record<string, Header | { $ref: string }>;
  content: { 'application/json': { schema: unknown } };
}
interface Doc {
  paths: Record<string, Record<string, { responses: Record<string, ResponseSpec> }>>;
  components: { headers: Record<string, Header> };
}

const doc = openApiDocument() as unknown as Doc;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(doc, 'openapi');

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/** The problems of an answer against the document (an empty list when it conforms). */
function problems(path: string, method: string, res: { status: number; headers: Headers; body: unknown }) {
  const spec = doc.paths[path]?.[method]?.responses[String(res.status)];
  if (!spec) return [`status ${res.status} is not documented for ${method.toUpperCase()} ${path}`];
  const ref = `openapi#/${pointer('paths', path, method, 'responses', String(res.status), 'content', 'application/json', 'schema')}`;
  const validate = ajv.getSchema(ref)!;
  const found = validate(res.body)
    ? []
    : (validate.errors ?? []).map((e) => `body${e.instancePath} ${e.message}`);
  for (const [name, declared] of Object.entries(spec.headers ?? {})) {
    const header = '$ref' in declared ? doc.components.headers[declared.$ref.split('/').pop()!]! : declared;
    const value = res.headers.get(name);
    if (value === null) {
      if (header.required) found.push(`header ${name} is missing`);
      continue;
    }
    const typed = header.schema.type === 'integer' ? Number(value) : value;
    if (!ajv.validate(header.schema, typed)) found.push(`header ${name}: ${ajv.errorsText()}`);
  }
  return found;
}

let broker: LocalBroker;
let captured: Captured;
let token: string;

async function call(method: 'GET' | 'POST', path: string, auth: string | undefined, body?: unknown) {
  const res = await fetch(`${broker.url}${path}`, {
    method,
    headers: { ...(auth ? { Authorization: `Bearer ${auth}` } : {}), 'Content-Type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
}

beforeAll(async () => {
  captured = captureOutput();
  const frozen = Date.now();
  broker = await startLocalBroker({
    devKey: await generateDevKey(),
    // The emulator's clock stands still: its quota buckets never refill, so throttling is deterministic.
    emulatorNow: () => frozen,
    config: (baseUrl: string) => ({
      issuers: [devIssuerConfig(baseUrl)],
      local: {
        streams: [{ name: 'cam-1' }, { name: 'cam-hot' }, { name: 'site7-door' }],
        enforceQuotas: true,
      },
    }),
  });
  token = await broker.devIssuer!.mint({
    sub: 'u',
    grants: [{ stream: 'cam-*', modes: ['LIVE', 'ON_DEMAND'] }, { stream: 'site7-*' }],
  });
});

afterAll(async () => {
  captured.restore();
  await broker.close();
});

const SESSIONS = '/v1/streams/{streamName}/sessions';

describe('answers of the local server conform to the OpenAPI document', () => {
  it.each([
    ['200 session', () => call('POST', '/v1/streams/cam-1/sessions', token), 200],
    ['200 HLS session', () => call('POST', '/v1/streams/cam-1/sessions', token, { protocol: 'HLS' }), 200],
    ['400 unknown field', () => call('POST', '/v1/streams/cam-1/sessions', token, { speed: 2 }), 400],
    ['401 no token', () => call('POST', '/v1/streams/cam-1/sessions', undefined), 401],
    ['401 bad token', () => call('POST', '/v1/streams/cam-1/sessions', 'not.a.jwt'), 401],
    ['403 no grant', () => call('POST', '/v1/streams/lobby/sessions', token), 403],
    ['404 no such stream', () => call('POST', '/v1/streams/cam-missing/sessions', token), 404],
  ])('POST %s', async (_name, request, status) => {
    const res = await request();
    expect(res.status).toBe(status);
    expect(problems(SESSIONS, 'post', res)).toEqual([]);
  });

  it('POST 429 THROTTLED past KVS quotas, with its Retry-After', async () => {
    // GetDASHStreamingSessionURL: 25 TPS per stream (KVS service quotas); the 26th finds the bucket empty
    for (let i = 0; i < 25; i += 1)
      expect((await call('POST', '/v1/streams/cam-hot/sessions', token)).status).toBe(200);
    const throttled = await call('POST', '/v1/streams/cam-hot/sessions', token);
    expect(throttled.status).toBe(429);
    expect(problems(SESSIONS, 'post', throttled)).toEqual([]);
  });

  it.each([
    ['200 catalog', '/v1/streams', true, 200],
    ['200 one-entry page', '/v1/streams?limit=1', true, 200],
    ['400 bad limit', '/v1/streams?limit=0', true, 400],
    ['401 no token', '/v1/streams', false, 401],
  ])('GET /v1/streams %s', async (_name, path, withToken, status) => {
    const res = await call('GET', path, withToken ? token : undefined);
    expect(res.status).toBe(status);
    expect(problems('/v1/streams', 'get', res)).toEqual([]);
  });

  it('GET /openapi.json needs no token and answers the document itself, with the local server first', async () => {
    const res = await call('GET', '/openapi.json', undefined);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(openApiDocument({ servedAt: broker.url }));
    expect((res.body as { servers: { url: string }[] }).servers[0]!.url).toBe(broker.url);
    expect(problems('/openapi.json', 'get', res)).toEqual([]);
  });

  it('finds what does not conform: an undocumented status and a body off its schema', () => {
    const headers = new Headers({ 'Cache-Control': 'no-store' });
    expect(problems(SESSIONS, 'post', { status: 418, headers, body: {} })).toEqual([
      'status 418 is not documented for POST /v1/streams/{streamName}/sessions',
    ]);
    expect(
      problems('/v1/streams', 'get', { status: 200, headers, body: { streams: [{ streamName: 1 }] } }),
    ).not.toEqual([]);
    expect(
      problems(SESSIONS, 'post', {
        status: 429,
        headers,
        body: { error: { code: 'THROTTLED', message: 'x' }, requestId: 'r' },
      }),
    ).toEqual(['header Retry-After is missing']);
  });
});
