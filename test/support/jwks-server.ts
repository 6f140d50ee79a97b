// Test support: an identity provider's JWKS endpoint on 127.0.0.1 that rotates keys and misbehaves on demand
// (HTTP 500, connection reset, stall, slow drip, oversized answers, redirect), counting the fetches it gets.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';

export type JwksBehaviour =
  | 'ok'
  | 'status-500'
  | 'reset'
  | 'stall'
  | 'drip'
  | 'too-large'
  | 'too-large-chunked'
  | 'too-large-declared'
  | 'redirect'
  | 'not-json';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

export async function signToken(
  key: SigningKey,
  claims: JWTPayload,
  header: { typ?: string; kid?: string } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({
      alg: 'ES256',
      kid: header.kid ?? key.kid,
      ...(header.typ ? { typ: header.typ } : {}),
    })
    .sign(key.privateKey);
}

export interface JwksServer {
  url: URL;
  /** Fetches received so far. */
  readonly fetches: number;
  /** Body bytes a `drip` answer has sent so far (its headers went out before the first). */
  readonly dripped: number;
  behaviour: JwksBehaviour;
  /** The keys served when behaving. */
  keys: JWK[];
  close(): Promise<void>;
}

const BIG = 200 * 1024; // over the 150 KB bound

function misbehave(
  behaviour: JwksBehaviour,
  res: ServerResponse,
  socket: Socket,
  body: string,
  onDrip: () => void,
): void {
  switch (behaviour) {
    case 'status-500':
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end('oops');
      return;
    case 'reset':
      socket.resetAndDestroy();
      return;
    case 'stall':
      return; // never answers: the client's deadline must end it
    case 'drip': {
      // Headers at once, then one byte every 100 ms: never idle long, never done in time.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      let i = 0;
      const timer = setInterval(() => {
        if (res.destroyed || i >= body.length) {
          clearInterval(timer);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(body[i++]);
        onDrip();
      }, 100);
      res.on('close', () => clearInterval(timer));
      return;
    }
    case 'too-large':
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(BIG + 12) });
      res.end(`{"keys":[],"x":"${'a'.repeat(BIG)}"}`.slice(0, BIG + 12));
      return;
    case 'too-large-chunked': {
      // No Content-Length: only counting the bytes read can stop it. 64 KB chunks, as long as the client reads.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = 'a'.repeat(64 * 1024);
      res.write(`{"keys":[],"x":"`);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
      return;
    }
    case 'too-large-declared':
      // Declares 200 KB, sends a little, then stalls: only the Content-Length check ends it before the deadline.
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(BIG) });
      res.write('{"keys":[');
      return;
    case 'redirect':
      // To good keys on this very server: following the redirect would succeed.
      res.writeHead(302, { Location: '/jwks.json?redirected' }).end();
      return;
    case 'not-json':
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>maintenance</html>');
      return;
    case 'ok':
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
  }
}

export async function startJwksServer(keys: JWK[]): Promise<JwksServer> {
  const sockets = new Set<Socket>();
  const state = { fetches: 0, dripped: 0, behaviour: 'ok' as JwksBehaviour, keys };
  const server = createServer((req, res) => {
    state.fetches += 1;
    const behaviour = req.url?.endsWith('?redirected') ? 'ok' : state.behaviour;
    misbehave(behaviour, res, req.socket, JSON.stringify({ keys: state.keys }), () => (state.dripped += 1));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/jwks.json`),
    get fetches() {
      return state.fetches;
    },
    get dripped() {
      return state.dripped;
    },
    get behaviour() {
      return state.behaviour;
    },
    set behaviour(b: JwksBehaviour) {
      state.behaviour = b;
    },
    get keys() {
      return state.keys;
    },
    set keys(k: JWK[]) {
      state.keys = k;
    },
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}
