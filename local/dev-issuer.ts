// The local dev identity provider: one ES256 key, its JWKS, and a token minter (local mode and tests only).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  SignJWT,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JSONWebKeySet,
} from 'jose';

export const DEV_ALGORITHM = 'ES256';
/** The dev issuer's `iss`: fixed, so tokens minted by `npm run token` work whatever the port. */
export const DEV_ISSUER = 'kvs-session-broker-dev';
export const DEV_AUDIENCE = 'kvs-session-broker';
/** Where the local server serves the dev issuer's JWKS. */
export const JWKS_PATH = '/.well-known/jwks.json';

export interface MintOptions {
  sub: string;
  /** The grants claim value (docs/tokens.md), e.g. `[{ stream: 'cam-1' }]`. */
  grants?: unknown;
  /** Name of the grants claim. @default 'kvs' */
  grantsClaim?: string;
  /** An OAuth2 scope string, for issuers with grantsFrom 'scope'. */
  scope?: string;
  /** @default 3600 */
  expiresInSeconds?: number;
  /** Extra or overriding claims (tests use it for wrong aud, nbf...). */
  claims?: Record<string, unknown>;
  /** @default now */
  issuedAt?: Date;
}

export interface DevIssuer {
  readonly issuer: string;
  readonly audience: string;
  readonly kid: string;
  /** The public keys, as served at the JWKS URI. */
  readonly jwks: JSONWebKeySet;
  mint(options: MintOptions): Promise<string>;
}

/** A new private JWK (with kid and alg), to keep in a file between runs. */
export async function generateDevKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(DEV_ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, alg: DEV_ALGORITHM, kid: await calculateJwkThumbprint(jwk) };
}

/** Reads the dev signing key from `path`, generating and saving it (mode 600) on first use. */
export async function loadOrCreateDevKey(path: string): Promise<JWK> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const jwk = await generateDevKey();
  await mkdir(dirname(path), { recursive: true });
  try {
    // 'wx': if `npm start` and `npm run token` race on a fresh checkout, the first key written wins for both.
    await writeFile(path, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return JSON.parse(await readFile(path, 'utf8')) as JWK;
  }
  return jwk;
}

export async function createDevIssuer(options: {
  issuer: string;
  audience: string;
  privateJwk: JWK;
}): Promise<DevIssuer> {
  const { d: _d, ...publicJwk } = options.privateJwk;
  const kid = options.privateJwk.kid ?? (await calculateJwkThumbprint(publicJwk));
  const key = await importJWK(options.privateJwk, DEV_ALGORITHM);
  return {
    issuer: options.issuer,
    audience: options.audience,
    kid,
    jwks: { keys: [{ ...publicJwk, kid, alg: DEV_ALGORITHM, use: 'sig' }] },
    async mint(m) {
      const issuedAt = m.issuedAt ?? new Date();
      const iat = Math.floor(issuedAt.getTime() / 1000);
      const payload: Record<string, unknown> = {
        ...(m.grants !== undefined ? { [m.grantsClaim ?? 'kvs']: m.grants } : {}),
        ...(m.scope !== undefined ? { scope: m.scope } : {}),
      };
      const claims = {
        iss: options.issuer,
        aud: options.audience,
        sub: m.sub,
        iat,
        exp: iat + (m.expiresInSeconds ?? 3600),
        ...payload,
        ...m.claims,
      };
      return new SignJWT(claims).setProtectedHeader({ alg: DEV_ALGORITHM, kid, typ: 'JWT' }).sign(key);
    },
  };
}
