// The end-to-end floor: bare node:http, jose verifying each token, one KVS call per session
// (GetDASHStreamingSessionURL on the emulator's data endpoint, known up front), and the same embedded KVS
// emulator as the local server. No gateway, no authorizer cache, no middleware, no logging.
// env: PORT, FLOOR_JWKS (JSON), FLOOR_ISSUER, FLOOR_AUDIENCE, FLOOR_STREAMS (count)
import { createServer } from 'node:http';
import {
  GetDASHStreamingSessionURLCommand,
  KinesisVideoArchivedMediaClient,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { startEmulator } from '../fixtures';

const emulator = await startEmulator({ streams: Number(process.env.FLOOR_STREAMS), enforceQuotas: false });
const keys = createLocalJWKSet(JSON.parse(process.env.FLOOR_JWKS!));
const media = new KinesisVideoArchivedMediaClient({
  region: emulator.region,
  endpoint: emulator.endpoint,
  credentials: { accessKeyId: 'AKIDLOCALEMULATOR', secretAccessKey: 'local-emulator' },
});
const ROUTE = /^\/v1\/streams\/([a-zA-Z0-9_.-]{1,256})\/sessions$/;

const server = createServer((req, res) => {
  req.resume();
  void (async () => {
    const stream = ROUTE.exec(req.url ?? '')?.[1];
    const token = req.headers.authorization?.slice('Bearer '.length) ?? '';
    try {
      await jwtVerify(token, keys, {
        issuer: process.env.FLOOR_ISSUER,
        audience: process.env.FLOOR_AUDIENCE,
      });
    } catch {
      res.writeHead(401).end('{}');
      return;
    }
    const out = await media.send(
      new GetDASHStreamingSessionURLCommand({ StreamName: stream, PlaybackMode: 'LIVE', Expires: 300 }),
    );
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
