// Local mode (DESIGN section 5): the real authorizer and broker behind the local API Gateway, wired to the
// embedded KVS emulator over HTTP, plus the dev issuer's JWKS. Used by `npm start` and by the HTTP tests.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { JWK } from 'jose';
import { createAuthorizer } from '../lambda/authorizer/authorizer';
import { createBrokerHandler } from '../lambda/broker/handler';
import { parseConfig, type BrokerConfig } from '../lambda/core/config';
import { gatewayResponse } from '../lambda/core/gateway-responses';
import { createKvsAdapter } from '../lambda/kvs/adapter';
import { createDevIssuer, type DevIssuer } from './dev-issuer';
import { startKvsEmulator, type KvsEmulator, type MediaHook } from './emulator';
import { emulatorMedia } from './emulator-media';
import { createLocalGateway } from './gateway/gateway';

/** The dev issuer's `iss`: fixed, so tokens minted by `npm run token` work whatever the port. */
export const DEV_ISSUER = 'kvs-session-broker-dev';
export const JWKS_PATH = '/.well-known/jwks.json';
export const DEV_AUDIENCE = 'kvs-session-broker';

export const DEFAULT_LOCAL_STREAMS = [
  { name: 'cam-1', dataRetentionInHours: 24, mediaType: 'video/h264' },
  { name: 'cam-lobby', dataRetentionInHours: 24, mediaType: 'video/h264' },
  { name: 'site7-door', dataRetentionInHours: 168, mediaType: 'video/h264' },
  { name: 'site7-yard', dataRetentionInHours: 168, mediaType: 'video/h264' },
  { name: 'cam-live-only', dataRetentionInHours: 0, mediaType: 'video/h264' },
];

/** The built-in local configuration: the dev issuer (served by this server) and a few demo cameras. */
export function defaultLocalConfig(baseUrl: string): unknown {
  return {
    issuers: [
      {
        issuer: DEV_ISSUER,
        jwksUri: `${baseUrl}${JWKS_PATH}`,
        audience: DEV_AUDIENCE,
        algorithms: ['ES256', 'RS256'],
      },
    ],
    sessions: { defaultExpiresSeconds: 300, maxExpiresSeconds: 3600 },
    streams: ['*'],
    cors: { allowOrigins: ['*'] },
    local: { streams: DEFAULT_LOCAL_STREAMS, enforceQuotas: true },
  };
}

export interface LocalBrokerOptions {
  /** @default 0 (ephemeral) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /**
   * The configuration document, or a function of the server's base URL (so a config can point at the JWKS this
   * server serves). @default defaultLocalConfig
   */
  config?: unknown | ((baseUrl: string) => unknown);
  /** The dev issuer's private key; without it the dev issuer and its JWKS route are off. */
  devKey?: JWK;
  /** Serves the media of session URLs. @default emulatorMedia(): real manifests and fragments from the fixture */
  media?: (emulator: KvsEmulator) => MediaHook;
  /** Extra routes (player page...) tried before the API. Return true when handled. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;
  /** @default Date.now, for the broker's decisions and the gateway's caches (not the emulator) */
  now?: () => number;
  /** The emulator's clock (quotas, session expiry, media time). @default Date.now */
  emulatorNow?: () => number;
}

export interface LocalBroker {
  readonly url: string;
  readonly config: BrokerConfig;
  readonly emulator: KvsEmulator;
  readonly devIssuer?: DevIssuer;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}

export async function startLocalBroker(options: LocalBrokerOptions = {}): Promise<LocalBroker> {
  const host = options.host ?? '127.0.0.1';
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.writeHead(503).end();
  };
  const server = createServer((req, res) => handle(req, res));
  const address = await listen(server, options.port ?? 0, host);
  const baseUrl = `http://${host}:${address.port}`;

  let config: BrokerConfig;
  let emulator: KvsEmulator | undefined;
  try {
    const raw =
      typeof options.config === 'function'
        ? options.config(baseUrl)
        : (options.config ?? defaultLocalConfig(baseUrl));
    config = parseConfig(raw, { local: true });
    emulator = await startKvsEmulator({
      host,
      streams: (config.local?.streams ?? DEFAULT_LOCAL_STREAMS).map((s) => ({ ...s })),
      enforceQuotas: config.local?.enforceQuotas ?? true,
      ...(options.emulatorNow ? { now: options.emulatorNow } : {}),
      media: (...args) => mediaHook(...args),
    });
  } catch (error) {
    await new Promise((r) => server.close(r));
    throw error;
  }
  const emu = emulator;
  const mediaHook: MediaHook = (options.media ?? emulatorMedia(options.emulatorNow))(emu);

  const devIssuer = options.devKey
    ? await createDevIssuer({
        issuer: DEV_ISSUER,
        audience: DEV_AUDIENCE,
        privateJwk: options.devKey,
      })
    : undefined;
  const logger = new Logger({ serviceName: 'kvs-session-broker' });
  const metrics = new Metrics({ namespace: 'KvsSessionBroker', serviceName: 'kvs-session-broker' });
  const kvs = createKvsAdapter({
    region: emu.region,
    endpoint: emu.endpoint,
    credentials: { accessKeyId: 'AKIDLOCALEMULATOR', secretAccessKey: 'local-emulator' },
    timeoutMs: config.kvs.timeoutMs,
    maxAttempts: config.kvs.maxAttempts,
    dataEndpointTtlMs: config.kvs.dataEndpointTtlSeconds * 1000,
  });
  const gateway = createLocalGateway({
    authorizer: createAuthorizer({
      config,
      logger,
      ...(options.now ? { now: () => new Date(options.now!()) } : {}),
    }),
    broker: createBrokerHandler({
      config,
      kvs,
      logger,
      metrics,
      ...(options.now ? { now: options.now } : {}),
    }),
    routes: [
      { method: 'POST', resource: '/v1/streams/{streamName}/sessions' },
      { method: 'GET', resource: '/v1/streams' },
    ],
    authorizerCacheTtlSeconds: config.api.authorizerCacheTtlSeconds,
    throttle: { rateLimit: config.api.throttlingRateLimit, burstLimit: config.api.throttlingBurstLimit },
    corsAllowOrigins: config.cors.allowOrigins,
    region: emu.region,
    accountId: emu.accountId,
    ...(options.now ? { now: options.now } : {}),
  });

  handle = (req, res) => {
    void (async () => {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', baseUrl);
      } catch {
        const r = gatewayResponse('BAD_REQUEST_PARAMETERS', randomUUID());
        res.writeHead(r.statusCode, r.headers).end(r.body);
        return;
      }
      if (devIssuer && req.method === 'GET' && url.pathname === JWKS_PATH) {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=300' });
        res.end(JSON.stringify(devIssuer.jwks));
        return;
      }
      if (options.extraRoutes && (await options.extraRoutes(req, res, url))) return;
      await gateway(req, res);
    })().catch(() => {
      const r = gatewayResponse('DEFAULT_5XX', randomUUID());
      if (!res.headersSent) res.writeHead(500, r.headers);
      res.end(r.body);
    });
  };

  return {
    url: baseUrl,
    config,
    emulator: emu,
    ...(devIssuer ? { devIssuer } : {}),
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await emu.close();
    },
  };
}
