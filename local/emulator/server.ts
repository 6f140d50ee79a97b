// The emulator's HTTP server: routes KVS API calls and media requests, applies quotas, latency and faults.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { KvsError, writeKvsError } from './errors';
import {
  admitMediaRequest,
  mediaOperationName,
  mediaProtocolOf,
  setMediaCorsHeaders,
  type MediaHook,
} from './media-gate';
import { API_ROUTES, type ApiOperation, type OperationContext } from './operations';
import { Quotas, throttled } from './quotas';
import { checkSigned } from './sigv4-scope';
import { StatsRecorder, type KvsEmulatorStats, type OutgoingBytesMetric } from './stats';
import { StreamRegistry, referencedName, streamArn, type Stream, type StreamConfig } from './streams';
import { parseJsonBody } from './validation';

export interface KvsEmulatorOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (an ephemeral port; read it from `KvsEmulator.port`) */
  port?: number;
  streams: StreamConfig[];
  /** Throttle with ClientLimitExceededException at KVS's documented TPS quotas. @default true */
  enforceQuotas?: boolean;
  /** Clock in epoch ms for quotas, session issue/expiry and media time windows. @default Date.now */
  now?: () => number;
  /** Key that signs session tokens. @default 32 random bytes */
  secret?: Uint8Array;
  /** @default 'us-east-1' */
  region?: string;
  /** @default '123456789012' */
  accountId?: string;
  /** Serves /dash/v1/ and /hls/v1/ requests whose SessionToken checked out. Without it they get a 501. */
  media?: MediaHook;
  /** One structured line per request (never the session token). @default no logging */
  log?: (line: object) => void;
}

export interface KvsEmulator {
  /** Base URL for the SDK clients' `endpoint`, e.g. `http://127.0.0.1:41234`; also the DataEndpoint returned. */
  readonly endpoint: string;
  readonly port: number;
  readonly secret: Uint8Array;
  readonly region: string;
  readonly accountId: string;
  close(): Promise<void>;
  /** Adds a stream, or replaces the one of the same name (its quota buckets are kept). */
  putStream(config: StreamConfig): void;
  deleteStream(name: string): boolean;
  getStream(name: string): Stream | undefined;
  streamArn(name: string): string | undefined;
  stats(): KvsEmulatorStats;
  /** For the media hook: meter bytes served for a stream under a KVS metric name. */
  recordOutgoingBytes(stream: string, bytes: number, metric: OutgoingBytesMetric): void;
}

const OPTION_KEYS = new Set([
  'host',
  'port',
  'streams',
  'enforceQuotas',
  'now',
  'secret',
  'region',
  'accountId',
  'media',
  'log',
]);
const MAX_BODY_BYTES = 1024 * 1024;

function checkOptions(options: KvsEmulatorOptions): void {
  const unknown = Object.keys(options).filter((k) => !OPTION_KEYS.has(k));
  if (unknown.length > 0) throw new TypeError(`startKvsEmulator: unknown option(s) ${unknown.join(', ')}`);
  if (!Array.isArray(options.streams)) throw new TypeError('startKvsEmulator: streams must be an array');
  const names = options.streams.map((s) => s.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw new TypeError(`startKvsEmulator: stream ${duplicate} is listed twice`);
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new KvsError('SerializationException', 'The request body is larger than 1 MiB');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function writeJson(res: ServerResponse, output: object, requestId: string): void {
  const body = JSON.stringify(output);
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': requestId,
  });
  res.end(body);
}

export async function startKvsEmulator(options: KvsEmulatorOptions): Promise<KvsEmulator> {
  checkOptions(options);
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? Date.now;
  const secret = options.secret ?? new Uint8Array(randomBytes(32));
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const enforceQuotas = options.enforceQuotas ?? true;
  const log = options.log ?? (() => {});
  // A failing logger must not take requests down with it.
  const safeLog = (line: object) => {
    try {
      log(line);
    } catch {
      // ignored on purpose
    }
  };
  const registry = new StreamRegistry({ region, accountId });
  for (const config of options.streams) registry.put(config);
  const quotas = new Quotas(now);
  const stats = new StatsRecorder();
  const closing = new AbortController();
  let endpoint = '';

  const context = (): OperationContext => ({ registry, endpoint, secret, now });

  function fail(
    res: ServerResponse,
    error: unknown,
    requestId: string,
    operation: string,
  ): KvsError | undefined {
    // Requests still waiting out an injected latency when the emulator closes just go away.
    if (closing.signal.aborted) {
      res.destroy();
      return undefined;
    }
    const kvsError =
      error instanceof KvsError
        ? error
        : new KvsError('InternalFailure', 'The emulator failed to process the request.');
    if (!(error instanceof KvsError)) safeLog({ level: 'error', requestId, operation, error: String(error) });
    stats.error(operation, kvsError.type);
    if (res.headersSent) res.destroy();
    else writeKvsError(res, kvsError, requestId);
    return kvsError;
  }

  async function handleApi(
    op: ApiOperation<unknown>,
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    about: { stream?: string },
  ): Promise<void> {
    stats.request(op.name);
    checkSigned(req.headers.authorization, region);
    const input = op.parse(parseJsonBody(await readBody(req)));
    const ref = op.streamOf(input);
    const streamName = ref && referencedName(ref);
    about.stream = streamName;
    if (enforceQuotas) {
      const decision = quotas.tryAcquire(op.name, streamName);
      if (!decision.ok) throw throttled(op.name, decision, streamName);
    }
    const stream = ref === undefined ? undefined : registry.resolve(ref);
    if (stream !== undefined && stream.latencyMs > 0)
      await sleep(stream.latencyMs, undefined, { signal: closing.signal });
    if (stream?.fault === 'NotAuthorizedException') {
      throw new KvsError(
        'NotAuthorizedException',
        `The caller is not authorized to perform ${op.name} on stream ${stream.name}.`,
      );
    }
    if (stream?.fault === 'InternalServerError') {
      throw new KvsError('InternalFailure', `Stream ${stream.name} is set to fail with an internal error.`);
    }
    writeJson(res, op.run(input, stream, context()), requestId);
  }

  async function handleMedia(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    requestId: string,
    about: { stream?: string },
  ): Promise<void> {
    setMediaCorsHeaders(res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const protocol = mediaProtocolOf(url.pathname);
    if (protocol === undefined) throw new Error('emulator bug: media request without a protocol');
    const session = admitMediaRequest(url, protocol, secret, now(), registry);
    about.stream = session.streamName;
    if (options.media === undefined) {
      throw new KvsError(
        'NotImplemented',
        'This emulator was started without a media hook, so it serves no media.',
      );
    }
    res.setHeader('x-amzn-RequestId', requestId);
    await options.media(req, res, session, url.pathname);
  }

  const server = createServer((req, res) => {
    const requestId = randomUUID();
    const started = performance.now();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://emulator');
    } catch {
      // Never echo the request target: a media URL's query carries the session token.
      fail(
        res,
        new KvsError('InvalidArgumentException', 'The request URL is malformed.'),
        requestId,
        'Malformed',
      );
      safeLog({
        time: new Date(now()).toISOString(),
        requestId,
        operation: 'Malformed',
        status: res.statusCode,
      });
      return;
    }
    const isMedia =
      mediaProtocolOf(url.pathname) !== undefined && ['GET', 'HEAD', 'OPTIONS'].includes(req.method ?? '');
    const op = req.method === 'POST' ? API_ROUTES.get(url.pathname) : undefined;
    const operation = isMedia ? mediaOperationName(url.pathname) : (op?.name ?? 'UnknownOperation');
    const about: { stream?: string } = {};
    let errorType: string | undefined;
    let work: Promise<void>;
    if (isMedia) {
      stats.request(operation);
      work = handleMedia(req, res, url, requestId, about);
    } else if (op !== undefined) {
      work = handleApi(op, req, res, requestId, about);
    } else {
      stats.request(operation);
      work = Promise.reject(
        new KvsError(
          'UnknownOperationException',
          `The emulator does not implement ${req.method} ${url.pathname}.`,
        ),
      );
    }
    work
      .catch((error: unknown) => {
        errorType = fail(res, error, requestId, operation)?.type;
      })
      .finally(() => {
        // The path only: the query of a media URL carries the session token, which is never logged.
        safeLog({
          time: new Date(now()).toISOString(),
          requestId,
          operation,
          path: url.pathname,
          stream: about.stream,
          status: res.statusCode,
          errorType,
          durationMs: Math.round(performance.now() - started),
        });
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  endpoint = `http://${urlHost(host)}:${port}`;

  return {
    endpoint,
    port,
    secret,
    region,
    accountId,
    close: async () => {
      closing.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
    putStream: (config) => {
      registry.put(config);
    },
    deleteStream: (name) => registry.delete(name),
    getStream: (name) => registry.get(name),
    streamArn: (name) => {
      const stream = registry.get(name);
      return stream && streamArn(stream, registry.account);
    },
    stats: () => stats.snapshot(),
    recordOutgoingBytes: (stream, bytes, metric) => stats.outgoingBytes(stream, bytes, metric),
  };
}
