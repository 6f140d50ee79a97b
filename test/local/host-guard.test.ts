// Local mode answers only requests addressed to this machine (SECURITY.md, Local mode): a page that rebinds its DNS
// name to 127.0.0.1 reaches the server, but its requests name the page's host, and are refused before any route; the
// dev-token and local CloudWatch endpoints also refuse a foreign Origin.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { startLocalBroker, type LocalBroker } from '../../local/app';
import { defaultLocalConfig } from '../../local/default-config';
import { generateDevKey } from '../../local/dev-issuer';
import { LOCAL_AUDIT_LOG_GROUP } from '../../lambda/core/telemetry-queries';
import { createPlayerRoutes, type PlayerRoutes } from '../../local/player/routes';
import { captureOutput, type Captured } from '../support/local-broker';

let captured: Captured;
let broker: LocalBroker;

beforeAll(async () => {
  captured = captureOutput();
  let player: PlayerRoutes = async () => false;
  broker = await startLocalBroker({
    devKey: await generateDevKey(),
    config: (baseUrl: string) => {
      const config = defaultLocalConfig(baseUrl) as { local?: Record<string, unknown> };
      return { ...config, local: { ...config.local, allowedHosts: ['devbox.lan'] } };
    },
    extraRoutes: (req, res, url) => player(req, res, url),
  });
  player = createPlayerRoutes({ devIssuer: broker.devIssuer! });
});

afterAll(async () => {
  captured.restore();
  await broker.close();
});

interface Answer {
  status: number;
  body: string;
}

/** One request to the local server with the Host and headers a browser (or a rebinding page) would send. */
function send(path: string, method: string, headers: Record<string, string>, body = ''): Promise<Answer> {
  const { port } = new URL(broker.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const port = () => new URL(broker.url).port;
const mint = (headers: Record<string, string>) =>
  send(
    '/player/token',
    'POST',
    { 'Content-Type': 'application/json', ...headers },
    JSON.stringify({ sub: 'dev', grants: [{ stream: 'cam-1' }] }),
  );
const startQuery = (headers: Record<string, string>) =>
  send(
    '/',
    'POST',
    { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'Logs_20140328.StartQuery', ...headers },
    JSON.stringify({
      logGroupNames: [LOCAL_AUDIT_LOG_GROUP],
      startTime: 0,
      endTime: 1,
      queryString: 'stats count(*) as decisions by outcome',
    }),
  );
const code = (a: Answer) => (JSON.parse(a.body) as { error: { code: string } }).error.code;

describe('Host: only this machine', () => {
  it.each(['localhost', '127.0.0.1', '127.1.2.3', '[::1]', 'LOCALHOST', 'devbox.lan (configured)'])(
    'mints a dev token for Host %s',
    async (name) => {
      const host = `${name.replace(' (configured)', '')}:${port()}`;
      const answer = await mint({ Host: host, Origin: `http://${host}` });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toHaveProperty('token');
    },
  );

  it.each([
    [
      '/player/token',
      () => mint({ Host: `rebind.evil.example:${port()}`, Origin: `http://rebind.evil.example:${port()}` }),
    ],
    ['the Logs endpoint', () => startQuery({ Host: `rebind.evil.example:${port()}` })],
    ['the API', () => send('/v1/streams', 'GET', { Host: `rebind.evil.example:${port()}` })],
    ['the JWKS', () => send('/.well-known/jwks.json', 'GET', { Host: `rebind.evil.example:${port()}` })],
    ['the usage page', () => send('/usage', 'GET', { Host: `10.0.0.7:${port()}` })],
    [
      'a Host naming a loopback look-alike',
      () => send('/v1/streams', 'GET', { Host: `127.0.0.1.evil.example:${port()}` }),
    ],
  ])('refuses a DNS-rebinding page (other Host) on %s with 403 FORBIDDEN JSON', async (_, call) => {
    const answer = await call();
    expect(answer.status).toBe(403);
    expect(code(answer)).toBe('FORBIDDEN');
    expect(answer.body).not.toContain('token"');
  });
});

describe('Origin: only this server’s own pages, on the token and CloudWatch endpoints', () => {
  it.each(['https://evil.example', 'null', 'another local port'])(
    'refuses a dev token to Origin %s',
    async (origin) => {
      const from = origin === 'another local port' ? `http://localhost:${Number(port()) + 1}` : origin;
      const answer = await mint({ Host: `127.0.0.1:${port()}`, Origin: from });
      expect(answer.status).toBe(403);
      expect(code(answer)).toBe('FORBIDDEN');
    },
  );

  it('refuses the Logs endpoint to a foreign Origin, and answers this machine’s tools (no Origin)', async () => {
    const foreign = await startQuery({ Host: `127.0.0.1:${port()}`, Origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(code(foreign)).toBe('FORBIDDEN');
    const tool = await startQuery({ Host: `127.0.0.1:${port()}` });
    expect(tool.status).toBe(200);
    expect(JSON.parse(tool.body)).toHaveProperty('queryId');
  });
});
