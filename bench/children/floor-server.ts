// The end-to-end floor: bare node:http, jose verifying each token with the same authorizer cache as the local
// server (API Gateway's: the answer for a token reused for authorizerCacheTtlSeconds, keyed by the Authorization
// header, never past the token's exp), one KVS call per session (GetDASHStreamingSessionURL on the emulator's data
// endpoint, known up front), one JSON audit line per request, and the same embedded KVS emulator as the local
// server. No gateway stand-in, no middleware, no metrics.
// env: PORT, FLOOR_JWKS (JSON), FLOOR_ISSUER, FLOOR_AUDIENCE, FLOOR_STREAMS (count), FLOOR_CACHE_TTL_SECONDS
import { createServer } from 'node:http';
import {
  GetDASHStreamingSessionURLCommand,
  KinesisVideoArchivedMediaClient,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { startEmulator } from '../fixtures';

const emulator = await startEmulator({ streams: Number(process.env.FLOOR_STREAMS), enforceQuotas: false });
const keys = createLocalJWKSet(JSON.parse(process.env.FLOOR_JWKS!));
const media = new KinesisVideoArchivedMediaClient({
  region: emulator.region,
  endpoint: emulator.endpoint,
  credentials: { accessKeyId: 'AKIDLOCALEMULATOR', secretAccessKey: 'local-emulator' },
});
const ROUTE = /^\/v1\/streams\/([a-zA-Z0-9_.-]{1,256})\/sessions$/;
const TTL_MS = Number(process.env.FLOOR_CACHE_TTL_SECONDS ?? 300) * 1000;
const cache = new Map<string, { payload: JWTPayload; untilMs: number }>();

async function caller(header: string): Promise<JWTPayload> {
  const hit = cache.get(header);
  if (hit && hit.untilMs > Date.now()) return hit.payload;
  const { payload } = await jwtVerify(header.slice('Bearer '.length), keys, {
    issuer: process.env.FLOOR_ISSUER,
    audience: process.env.FLOOR_AUDIENCE,
  });
  cache.set(header, { payload, untilMs: Math.min(Date.now() + TTL_MS, payload.exp! * 1000) });
  return payload;
}

const server = createServer((req, res) => {
  req.resume();
  void (async () => {
    const stream = ROUTE.exec(req.url ?? '')?.[1];
    let payload: JWTPayload;
    try {
      payload = await caller(req.headers.authorization ?? '');
    } catch {
      res.writeHead(401).end('{}');
      return;
    }
    const out = await media.send(
      new GetDASHStreamingSessionURLCommand({ StreamName: stream, PlaybackMode: 'LIVE', Expires: 300 }),
    );
    const line = { audit: 'kvs-session', time: new Date().toISOString(), sub: payload.sub, stream };
    process.stdout.write(`${JSON.stringify({ ...line, outcome: 'GRANTED' })}\n`);
    res
      .writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
      .end(JSON.stringify({ url: out.DASHStreamingSessionURL, streamName: stream }));
  })().catch(() => res.writeHead(502).end('{}'));
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening on', process.env.PORT));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => void emulator.close().then(() => process.exit(0)));
});
