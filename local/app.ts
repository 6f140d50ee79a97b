// Local mode (README (Local mode)): the real authorizer and broker behind the local API Gateway, wired to the
// embedded KVS emulator over HTTP, plus the dev issuer's JWKS. Used by `npm start` and by the HTTP tests.
import { randomUUID } from 'node:crypto';
import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import { createAuthorizer } from '../lambda/authorizer/authorizer';
import { createFunctionHandlers, type BrokerOptions } from '../lambda/broker/handler';
import { brokerMetrics } from '../lambda/broker/metrics';
import { gatewayResponse } from '../lambda/contract/gateway-responses';
import { parseConfig, type BrokerConfig } from '../lambda/core/config';
import { BrokerError, ERROR_STATUS, errorBody } from '../lambda/core/errors';
import { SERVICE_NAME } from '../lambda/core/telemetry';
import { createKvsAdapter, createKvsClients } from '../lambda/kvs/adapter';
import { createArchiveAdapter } from '../lambda/kvs/archive';
import { needsViewerState } from '../lambda/core/config';
import { createStateStore } from '../lambda/state/store';
import { kvsAdapterOptions } from '../lambda/kvs/options';
import { createWebrtcAdapter } from '../lambda/kvs/webrtc';
import { channelNameFor } from '../lambda/core/webrtc';
import { DEFAULT_LOCAL_STREAMS, defaultLocalConfig } from './default-config';
import { DEV_AUDIENCE, DEV_ISSUER, JWKS_PATH, createDevIssuer, type DevIssuer } from './dev-issuer';
import {
  EMULATOR_CREDENTIALS,
  startKvsEmulator,
  type ArchiveMedia,
  type KvsEmulator,
  type MediaHook,
} from './emulator';
import { fixtureMaster } from './webrtc/master';
import { createLocalGateway } from './gateway/gateway';
import { LOCAL_STATE_CREDENTIALS, LOCAL_STATE_REGION, startStateServer } from './state-server';
import { createArchiveMedia } from './media/archive';
import { hasAllowedHost, hasForeignOrigin } from './http/host-guard';
import { emulatorMedia } from './media/emulator-hook';
import { cloudWatchApi, isCloudWatchCall } from './usage/api';
import { AuditRing, AuditTapLogger } from './usage/audit-ring';
import { usageAsset, usagePage } from './usage/page';

// Where they were first defined; new code imports them from dev-issuer.ts and default-config.ts.
export { DEV_AUDIENCE, DEV_ISSUER, JWKS_PATH } from './dev-issuer';
export { DEFAULT_LOCAL_STREAMS, defaultLocalConfig } from './default-config';

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
  /** What the archive APIs answer from (padded fragments for a 100 MB clip...). @default createArchiveMedia() */
  archive?: ArchiveMedia;
  /** Extra routes (player page...) tried before the API. Return true when handled. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;
  /** @default Date.now, for the broker's decisions and the gateway's caches (not the emulator) */
  now?: () => number;
  /** The emulator's clock (quotas, session expiry, media time). @default Date.now */
  emulatorNow?: () => number;
  /** The broker's discovery limits (SECURITY.md). @default DISCOVERY_LIMITS */
  discoveryLimits?: BrokerOptions['discoveryLimits'];
  /** The broker's token checks (revocation). @default [] */
  checks?: BrokerOptions['checks'];
  /** The broker's session checks (seats). @default [] */
  sessionChecks?: BrokerOptions['sessionChecks'];
  /**
   * The viewer-state table to use instead of starting an embedded one (another local broker's, as a second
   * instance; or an endpoint that fails). Only read when the config asks for revocation or seats.
   */
  state?: LocalStateTable;
}

/** Where a local broker's viewer-state table is. */
export interface LocalStateTable {
  readonly endpoint: string;
  readonly tableName: string;
}

export interface LocalBroker {
  readonly url: string;
  readonly config: BrokerConfig;
  readonly emulator: KvsEmulator;
  readonly devIssuer?: DevIssuer;
  /** The viewer-state table, when the config asks for revocation or seats (README (Local mode)). */
  readonly state?: LocalStateTable;
  /** The audit lines the handlers wrote (what the local Logs Insights answers from). */
  readonly audit: AuditRing;
  close(): Promise<void>;
}

type Handle = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}

/** The configuration, validated as local mode allows, and the emulator serving its `local.streams`. */
async function startBackend(options: LocalBrokerOptions, host: string, baseUrl: string) {
  const raw =
    typeof options.config === 'function'
      ? options.config(baseUrl)
      : (options.config ?? defaultLocalConfig(baseUrl));
  const config = parseConfig(raw, { local: true });
  // The media hook needs the emulator it serves, so it is made once the emulator runs.
  const media: { hook?: MediaHook } = {};
  const streams = (config.local?.streams ?? DEFAULT_LOCAL_STREAMS).map((s) => ({ ...s }));
  const webrtc = config.webrtc;
  const emulator = await startKvsEmulator({
    host,
    streams,
    // With config `webrtc`, each local stream has its signaling channel and an emulated master sending the fixture.
    ...(webrtc
      ? {
          channels: [...new Set(streams.map((s) => channelNameFor(webrtc.channelName, s.name)))].map(
            (name) => ({ name }),
          ),
          master: fixtureMaster(),
        }
      : {}),
    enforceQuotas: config.local?.enforceQuotas ?? true,
    ...(options.emulatorNow ? { now: options.emulatorNow } : {}),
    media: (...args) => media.hook!(...args),
    archive: options.archive ?? createArchiveMedia(),
  });
  media.hook = (options.media ?? emulatorMedia(options.emulatorNow))(emulator);
  const server = needsViewerState(config) && !options.state ? await startStateServer(host) : undefined;
  const state = needsViewerState(config) ? (options.state ?? server) : undefined;
  return { config, emulator, ...(state ? { state } : {}), closeState: () => server?.close() };
}

/** The broker's viewer-state store on the local table (dynalite), with the config's call rules. */
function localStateStore(table: LocalStateTable, config: BrokerConfig, now: (() => number) | undefined) {
  return createStateStore({
    ...table,
    region: LOCAL_STATE_REGION,
    credentials: LOCAL_STATE_CREDENTIALS,
    timeoutMs: config.state.timeoutMs,
    maxAttempts: config.state.maxAttempts,
    ...(now ? { now } : {}),
  });
}

/** The deployed pieces, as the CDK construct wires them: authorizer and broker behind (local) API Gateway. */
function apiGateway(
  options: LocalBrokerOptions,
  config: BrokerConfig,
  emulator: KvsEmulator,
  ring: AuditRing,
  baseUrl: string,
  table: LocalStateTable | undefined,
) {
  // One logger per function, as in AWS: a shared one would stamp the authorizer's lines with the broker's
  // function name and last request id (the broker's middleware sets them on its logger).
  const logger = new AuditTapLogger({ serviceName: SERVICE_NAME }, ring);
  const authorizerLogger = new AuditTapLogger({ serviceName: SERVICE_NAME }, ring);
  const metrics = brokerMetrics(logger);
  const now = options.now;
  const kvsOptions = kvsAdapterOptions(config, {
    region: emulator.region,
    endpoint: emulator.endpoint,
    credentials: EMULATOR_CREDENTIALS, // the emulator checks signed signaling URLs against these
    // One clock for the handlers and the adapter: the broker sets KVS deadlines on it (discovery's 3 s budget).
    now,
  });
  // One data-endpoint cache for the session and the archive calls, as in the deployed broker.
  const clients = createKvsClients(kvsOptions);
  const kvs = createKvsAdapter(kvsOptions, clients);
  // The deployed functions, each with its routes (the route table's `lambda` column), as the gateway routes them.
  const functions = createFunctionHandlers({
    config,
    kvs,
    archive: createArchiveAdapter(clients),
    ...(config.webrtc ? { webrtc: createWebrtcAdapter(kvsOptions) } : {}),
    logger,
    metrics,
    ...(table ? { state: localStateStore(table, config, now) } : {}),
    ...(now ? { now } : {}),
    ...(options.discoveryLimits ? { discoveryLimits: options.discoveryLimits } : {}),
    ...(options.checks ? { checks: options.checks } : {}),
    ...(options.sessionChecks ? { sessionChecks: options.sessionChecks } : {}),
    servedAt: baseUrl,
  });
  return createLocalGateway({
    authorizer: createAuthorizer({
      config,
      logger: authorizerLogger,
      ...(now ? { now: () => new Date(now()) } : {}),
    }),
    broker: (event, context) => functions.broker(event, context),
    functions: {
      broker: (event, context) => functions.broker(event, context),
      archive: (event, context) => functions.archive(event, context),
      clip: (event, context) => functions.clip(event, context),
      webrtc: (event, context) => functions.webrtc(event, context),
    },
    authorizerCacheTtlSeconds: config.api.authorizerCacheTtlSeconds,
    throttle: { rateLimit: config.api.throttlingRateLimit, burstLimit: config.api.throttlingBurstLimit },
    rateLimits: config.api,
    corsAllowOrigins: config.cors.allowOrigins,
    region: emulator.region,
    accountId: emulator.accountId,
    ...(now ? { now } : {}),
  });
}

/** The CloudWatch calls of the usage report and the /usage page (local/usage). */
function usageRoutes(options: LocalBrokerOptions, emulator: KvsEmulator, ring: AuditRing) {
  const api = cloudWatchApi({ emulator, ring });
  const now = options.emulatorNow ?? Date.now;
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const cloudWatch = isCloudWatchCall(req, url);
    // Audit lines and meters are for this machine's tools, never for a page of another origin.
    if ((cloudWatch || url.pathname === '/usage') && hasForeignOrigin(req)) {
      refuse(res, "The local CloudWatch endpoints answer this machine's tools only, not other origins");
    } else if (cloudWatch) await api(req, res);
    else if (req.method === 'GET' && url.pathname === '/usage') usagePage(emulator, ring, now(), url, res);
    else if (req.method === 'GET' && (await usageAsset(url.pathname, res))) return true;
    else return false;
    return true;
  };
}

/** 403 FORBIDDEN in the contract's JSON error body. */
function refuse(res: ServerResponse, message: string): void {
  const body = errorBody(new BrokerError('FORBIDDEN', message), randomUUID());
  res.writeHead(ERROR_STATUS.FORBIDDEN, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

/**
 * Only requests addressed to this machine (local/http/host-guard.ts), then the dev issuer's JWKS, the usage routes,
 * the extra routes, then the API; a failure is API Gateway's DEFAULT_5XX.
 */
function localRoutes(
  options: LocalBrokerOptions,
  allowedHosts: readonly string[],
  baseUrl: string,
  gateway: Handle,
  usage: ReturnType<typeof usageRoutes>,
  devIssuer?: DevIssuer,
): Handle {
  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hasAllowedHost(req, allowedHosts)) {
      refuse(
        res,
        'This local server answers requests to localhost only; list other host names in local.allowedHosts',
      );
      return;
    }
    const url = URL.parse(req.url ?? '/', baseUrl);
    if (!url) {
      const r = gatewayResponse('BAD_REQUEST_PARAMETERS', randomUUID());
      res.writeHead(r.statusCode, r.headers).end(r.body);
      return;
    }
    if (devIssuer && req.method === 'GET' && url.pathname === JWKS_PATH) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=300' });
      res.end(JSON.stringify(devIssuer.jwks));
      return;
    }
    if (await usage(req, res, url)) return;
    if (options.extraRoutes && (await options.extraRoutes(req, res, url))) return;
    await gateway(req, res);
  }
  return (req, res) =>
    route(req, res).catch(() => {
      const r = gatewayResponse('DEFAULT_5XX', randomUUID());
      if (!res.headersSent) res.writeHead(500, r.headers);
      res.end(r.body);
    });
}

/**
 * Node refuses header sections over its maxHeaderSize (16 KiB by default) with a bare 431 and a reset. API Gateway's
 * own limit is 10240 bytes of request line and header values (local/gateway/gateway.ts), answered in JSON; Node's
 * limit sits well above it so that the gateway answers, and what Node still refuses gets the same JSON.
 */
const NODE_MAX_HEADER_BYTES = 64 * 1024;

/** A request Node could not parse: the contract's JSON error, then a graceful close (the rest is read and dropped). */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const type = error.code === 'HPE_HEADER_OVERFLOW' ? 'REQUEST_TOO_LARGE' : 'BAD_REQUEST_PARAMETERS';
  const r = gatewayResponse(type, randomUUID());
  const headers = { ...r.headers, 'Content-Length': Buffer.byteLength(r.body), Connection: 'close' };
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
  socket.on('error', () => socket.destroy());
  socket.resume();
  socket.end(`HTTP/1.1 ${r.statusCode} ${STATUS_CODES[r.statusCode]}\r\n${head.join('')}\r\n${r.body}`);
  setTimeout(() => socket.destroy(), 5000).unref();
}

export async function startLocalBroker(options: LocalBrokerOptions = {}): Promise<LocalBroker> {
  const host = options.host ?? '127.0.0.1';
  let handle: Handle = async (_req, res) => {
    res.writeHead(503).end();
  };
  const server = createServer({ maxHeaderSize: NODE_MAX_HEADER_BYTES }, (req, res) => void handle(req, res));
  server.on('clientError', answerClientError);
  const address = await listen(server, options.port ?? 0, host);
  const baseUrl = `http://${host}:${address.port}`;

  let backend: Awaited<ReturnType<typeof startBackend>>;
  try {
    backend = await startBackend(options, host, baseUrl);
  } catch (error) {
    await new Promise((r) => server.close(r));
    throw error;
  }
  const { config, emulator, state } = backend;
  const devIssuer = options.devKey
    ? await createDevIssuer({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, privateJwk: options.devKey })
    : undefined;
  const audit = new AuditRing();
  handle = localRoutes(
    options,
    config.local?.allowedHosts ?? [],
    baseUrl,
    apiGateway(options, config, emulator, audit, baseUrl, state),
    usageRoutes(options, emulator, audit),
    devIssuer,
  );

  return {
    url: baseUrl,
    config,
    emulator,
    ...(devIssuer ? { devIssuer } : {}),
    ...(state ? { state: { endpoint: state.endpoint, tableName: state.tableName } } : {}),
    audit,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await emulator.close();
      await backend.closeState();
    },
  };
}
