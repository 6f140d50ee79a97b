// One local broker per test (real handlers, local gateway, emulator over HTTP), on an injected clock, with its own
// log capture: a test sets up all it asserts on, so it passes alone (`jest -t`) and in any order (`--randomize`).
// Every test using it also proves README (Observability and audit) on what it did: no JWT and no session URL reached the log.
import { afterEach, beforeEach, expect } from '@jest/globals';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import {
  startLocalBroker,
  type LocalBroker,
  type LocalBrokerOptions,
  type LocalStateTable,
} from '../../local/app';
import { generateDevKey, type MintOptions } from '../../local/dev-issuer';
import { testClock, type TestClock } from './clock';
import { auditLines, captureOutput, serveJwks, type Captured } from './local-broker';

export interface HttpResult {
  status: number;
  /** Response headers, lower-case, without the transport's own (date, connection, keep-alive, content-length). */
  headers: Record<string, string>;
  json: Record<string, unknown> & {
    error?: { code: string; message: string; reason?: string };
    requestId?: string;
  };
}

const TRANSPORT_HEADERS = new Set([
  'date',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
]);

export interface BrokerFixture {
  readonly broker: LocalBroker;
  readonly clock: TestClock;
  readonly captured: Captured;
  /** A dev-issuer token issued at the test clock's now (sub defaults to 'user-1'). */
  mint(grants: unknown, options?: Partial<MintOptions>): Promise<string>;
  /** Records a token minted elsewhere, so the no-secrets check looks for it too. */
  remember(token: string): string;
  post(
    stream: string,
    token: string | undefined,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<HttpResult>;
  get(path: string, token?: string, headers?: Record<string, string>): Promise<HttpResult>;
  /** Any request to the broker (session URLs in the answer are remembered for the no-secrets check). */
  request(path: string, init: RequestInit): Promise<HttpResult>;
  /** The audit lines written for one API Gateway request id (authorizer and broker). */
  audit(requestId: string | undefined): Record<string, unknown>[];
}

export interface FixtureOptions {
  /** The config document, from the broker's base URL. */
  config: (baseUrl: string) => unknown;
  /** Runs after the broker started (extra emulated streams...). */
  setup?: (broker: LocalBroker) => void | Promise<void>;
  /** The emulator's clock, when a test needs it apart from the broker's. @default the same clock */
  separateEmulatorClock?: TestClock;
  /** @default T0 */
  startMs?: number;
  /** A viewer-state table to use instead of the embedded one local mode starts (a failing endpoint...). */
  state?: LocalStateTable;
  /** The broker's token checks (lambda/broker/pipeline.ts TokenCheck). @default [] */
  checks?: LocalBrokerOptions['checks'];
  /** The broker's session checks (lambda/broker/pipeline.ts SessionCheck). @default [] */
  sessionChecks?: LocalBrokerOptions['sessionChecks'];
  /** What the emulator's archive APIs answer from. @default the fixture's (createArchiveMedia()) */
  archive?: LocalBrokerOptions['archive'];
}

let devKey: JWK | undefined;

/**
 * Registers beforeEach/afterEach hooks that give each test a fresh broker. Read `fixture()` inside a test only.
 */
export function brokerPerTest(options: FixtureOptions): () => BrokerFixture {
  let current: (BrokerFixture & { tokens: string[]; urls: string[] }) | undefined;

  beforeEach(async () => {
    devKey ??= await generateDevKey();
    const clock = testClock(options.startMs);
    const emulatorClock = options.separateEmulatorClock ?? clock;
    const captured = captureOutput();
    let broker: LocalBroker;
    try {
      broker = await startLocalBroker({
        devKey,
        config: options.config,
        now: clock.now,
        emulatorNow: emulatorClock.now,
        ...(options.state ? { state: options.state } : {}),
        ...(options.checks ? { checks: options.checks } : {}),
        ...(options.sessionChecks ? { sessionChecks: options.sessionChecks } : {}),
        ...(options.archive ? { archive: options.archive } : {}),
      });
      await options.setup?.(broker);
    } catch (error) {
      captured.restore();
      throw error;
    }
    const tokens: string[] = [];
    const urls: string[] = [];
    const request = async (path: string, init: RequestInit): Promise<HttpResult> => {
      const res = await fetch(`${broker.url}${path}`, init);
      const headers: Record<string, string> = {};
      res.headers.forEach((value, key) => {
        if (!TRANSPORT_HEADERS.has(key)) headers[key] = value;
      });
      const text = await res.text();
      const json = (text.length > 0 ? JSON.parse(text) : {}) as HttpResult['json'];
      if (typeof json.url === 'string') urls.push(json.url);
      if (Array.isArray(json.sessions))
        for (const entry of json.sessions as { url?: unknown }[])
          if (typeof entry?.url === 'string') urls.push(entry.url);
      return { status: res.status, headers, json };
    };
    const auth = (token: string | undefined): Record<string, string> =>
      token === undefined ? {} : { Authorization: `Bearer ${token}` };
    current = {
      broker,
      clock,
      captured,
      tokens,
      urls,
      remember(token) {
        tokens.push(token);
        return token;
      },
      async mint(grants, mintOptions = {}) {
        const token = await broker.devIssuer!.mint({
          sub: 'user-1',
          grants,
          issuedAt: new Date(clock.now()),
          ...mintOptions,
        });
        tokens.push(token);
        return token;
      },
      post: (stream, token, body, headers = {}) =>
        request(`/v1/streams/${stream}/sessions`, {
          method: 'POST',
          headers: { ...auth(token), 'Content-Type': 'application/json', ...headers },
          ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
        }),
      get: (path, token, headers = {}) => request(path, { headers: { ...auth(token), ...headers } }),
      request,
      audit: (requestId) => auditLines(captured).filter((l) => l.requestId === requestId),
    };
  });

  afterEach(async () => {
    const f = current;
    current = undefined;
    if (!f) return;
    f.captured.restore();
    await f.broker.close();
    expectNoSecretsLogged(f.captured, f.tokens, f.urls);
  });

  return () => {
    if (!current) throw new Error('brokerPerTest: the fixture exists only inside a test');
    return current;
  };
}

/** README (Observability and audit): nothing logged may contain a JWT, a session URL or its token. */
export function expectNoSecretsLogged(captured: Captured, tokens: string[], urls: string[]): void {
  const all = captured.lines.join('');
  for (const token of tokens) expect(all).not.toContain(token);
  for (const url of urls) {
    expect(all).not.toContain(url);
    const sessionToken = new URL(url).searchParams.get('SessionToken');
    if (sessionToken) expect(all).not.toContain(sessionToken);
  }
  expect(all).not.toContain('SessionToken');
  expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
}

/** A partner identity provider: an RS256 key, its JWKS on a loopback server, and a token signer. */
export interface PartnerIdp {
  readonly issuer: string;
  readonly jwksUrl: string;
  sign(
    claims: Record<string, unknown>,
    options: { nowS: number; alg?: string; key?: CryptoKey | Uint8Array },
  ): Promise<string>;
  close(): Promise<void>;
}

export async function startPartnerIdp(
  issuer = 'https://partner.example.net/',
  audience = 'partner-video',
): Promise<PartnerIdp> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwks = await serveJwks({
    keys: [{ ...(await exportJWK(publicKey)), kid: 'partner-1', alg: 'RS256', use: 'sig' }],
  });
  return {
    issuer,
    jwksUrl: jwks.url,
    sign: (claims, { nowS, alg = 'RS256', key = privateKey }) =>
      new SignJWT({ iss: issuer, aud: audience, sub: 'svc-7', ...claims })
        .setProtectedHeader({ alg, kid: 'partner-1' })
        .setIssuedAt(nowS)
        .setExpirationTime(nowS + 600)
        .sign(key),
    close: jwks.close,
  };
}
