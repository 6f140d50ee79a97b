// What the benchmarks share: signing keys and tokens, an https JWKS server (the deployed authorizer refuses a
// plain-http jwksUri), the KVS emulator, and the events API Gateway would send. The only coupling to local/.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { startKvsEmulator, type KvsEmulator } from '../local/emulator';
import { createArchiveMedia } from '../local/media/archive';

export const ISSUER = 'https://idp.bench.example/';
export const AUDIENCE = 'kvs-session-broker';
export const REGION = 'us-east-1';
export const AWS_ENV = {
  AWS_REGION: REGION,
  AWS_ACCESS_KEY_ID: 'AKIDBENCHEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'bench-secret',
  AWS_SESSION_TOKEN: 'bench-session-token',
};

export type Algorithm = 'RS256' | 'ES256';

export interface Keys {
  jwks: { keys: JWK[] };
  mint(alg: Algorithm, sub: string, grants?: unknown[]): Promise<string>;
}

export async function createKeys(): Promise<Keys> {
  const pairs = {
    RS256: await generateKeyPair('RS256', { extractable: true }),
    ES256: await generateKeyPair('ES256', { extractable: true }),
  };
  const keys: JWK[] = [];
  for (const [alg, pair] of Object.entries(pairs)) {
    keys.push({ ...(await exportJWK(pair.publicKey)), kid: `bench-${alg}`, alg, use: 'sig' });
  }
  return {
    jwks: { keys },
    mint: (alg, sub, grants = [{ stream: '*', modes: ['LIVE'] }]) =>
      new SignJWT({ kvs: grants })
        .setProtectedHeader({ alg, kid: `bench-${alg}` })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime('2h')
        .sign(pairs[alg].privateKey),
  };
}

export interface JwksServer {
  url: string;
  /** PEM file to trust (NODE_EXTRA_CA_CERTS) in the processes that fetch from it. */
  caFile: string;
  close(): Promise<void>;
}

/** Serves the JWKS over https with a throwaway self-signed certificate for 127.0.0.1 (made with openssl). */
export async function startJwksServer(jwks: unknown, dir: string): Promise<JwksServer> {
  const key = `${dir}/jwks-key.pem`;
  const cert = `${dir}/jwks-cert.pem`;
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  const body = JSON.stringify(jwks);
  const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/.well-known/jwks.json`,
    caFile: cert,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export const streamNames = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => `cam-${String(i).padStart(3, '0')}`);

export function startEmulator(options: { streams: number; enforceQuotas: boolean }): Promise<KvsEmulator> {
  return startKvsEmulator({
    region: REGION,
    enforceQuotas: options.enforceQuotas,
    streams: streamNames(options.streams).map((name) => ({
      name,
      dataRetentionInHours: 24,
      mediaType: 'video/h264',
    })),
    // The archive functions' cold starts read fragments and a clip; the WebRTC function's opens cam-001's channel.
    archive: createArchiveMedia(),
    channels: [{ name: 'ch-cam-001' }],
  });
}

/** The deployed configuration document (as the construct writes it: validated, defaults filled, no `local`). */
export function deployedConfig(jwksUri: string): Record<string, unknown> {
  return {
    issuers: [
      {
        issuer: ISSUER,
        jwksUri,
        audience: AUDIENCE,
        algorithms: ['RS256', 'ES256'],
        grantsFrom: 'claim',
        grantsClaim: 'kvs',
        scopePrefix: 'kvs',
        streamPrefix: '',
      },
    ],
    sessions: { defaultExpiresSeconds: 300, maxExpiresSeconds: 3600 },
    streams: ['*'],
    clockToleranceSeconds: 30,
    cors: { allowOrigins: [] },
    api: { authorizerCacheTtlSeconds: 300, throttlingRateLimit: 50, throttlingBurstLimit: 100 },
    kvs: { timeoutMs: 3000, maxAttempts: 3, dataEndpointTtlSeconds: 300 },
    webrtc: { channelName: 'ch-{stream}' },
  };
}

export function authorizerEvent(token: string, streamName: string) {
  return {
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:${REGION}:123456789012:a1b2c3d4e5/prod/POST/v1/streams/${streamName}/sessions`,
    resource: '/v1/streams/{streamName}/sessions',
    path: `/v1/streams/${streamName}/sessions`,
    httpMethod: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'User-Agent': 'bench' },
    pathParameters: { streamName },
    requestContext: {
      requestId: 'bench-authorizer',
      identity: { sourceIp: '203.0.113.7', userAgent: 'bench' },
    },
  };
}

/** The proxy event API Gateway sends the broker after an Allow, with the authorizer's context. */
export function sessionEvent(streamName: string, requestId = 'bench-broker', sub = 'bench') {
  return routeEvent('POST', 'sessions', streamName, { requestId, sub });
}

/** The proxy event of one stream route (`/v1/streams/{streamName}/<route>`) after an Allow. */
export function routeEvent(
  httpMethod: 'GET' | 'POST',
  route: string,
  streamName: string,
  { requestId = 'bench-broker', sub = 'bench', query = null as Record<string, string> | null } = {},
) {
  return {
    resource: `/v1/streams/{streamName}/${route}`,
    path: `/v1/streams/${streamName}/${route}`,
    httpMethod,
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'bench' },
    pathParameters: { streamName },
    queryStringParameters: query,
    body: httpMethod === 'POST' ? '{}' : null,
    isBase64Encoded: false,
    requestContext: {
      requestId,
      identity: { sourceIp: '203.0.113.7', userAgent: 'bench' },
      authorizer: {
        principalId: sub,
        sub,
        issuer: ISSUER,
        exp: String(Math.floor(Date.now() / 1000) + 3600),
        grants: JSON.stringify([
          { stream: '*', modes: ['LIVE', 'ON_DEMAND', 'WEBRTC'], protocols: ['DASH', 'HLS'] },
        ]),
      },
    },
  };
}

export function lambdaContext(requestId: string) {
  return {
    awsRequestId: requestId,
    functionName: 'bench',
    functionVersion: '$LATEST',
    memoryLimitInMB: '512',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:123456789012:function:bench`,
    logGroupName: '/aws/lambda/bench',
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 29_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
