// The emulator's request handling: routes a request to a KVS API operation or to the media hook, applies quotas,
// injected latency (a stream's or a signaling channel's) and faults, answers failures as KVS errors, and logs one
// line per request.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../http/body';
import { KvsError, writeKvsError } from './errors';
import {
  admitMediaRequest,
  mediaOperationName,
  mediaProtocolOf,
  setMediaCorsHeaders,
  type MediaHook,
} from './media-gate';
import { API_ROUTES, type ApiOperation, type OperationContext } from './operations';
import { throttled, type Quotas } from './quotas';
import { checkSigned } from './sigv4-scope';
import type { StatsRecorder } from './stats';
import { referencedName, type StreamRegistry } from './streams';
import { parseJsonBody, type JsonObject } from './validation';

const MAX_BODY_BYTES = 1024 * 1024;

export interface DispatchDeps {
  registry: StreamRegistry;
  quotas: Quotas | undefined;
  stats: StatsRecorder;
  region: string;
  secret: Uint8Array;
  now: () => number;
  media: MediaHook | undefined;
  /** Aborted when the emulator closes: requests waiting out a latency just go away. */
  closing: AbortSignal;
  /** Waits out a stream's latency (KvsEmulatorOptions.delay). */
  delay: (ms: number, signal: AbortSignal) => Promise<unknown>;
  /** Never throws (a failing logger must not take requests down with it). */
  log: (line: object) => void;
  context: () => OperationContext;
  /** KvsEmulatorOptions.answer. */
  answer?: (operation: string, output: JsonObject) => JsonObject;
}

/** What a request turned out to be about, for its log line. */
interface About {
  stream?: string;
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

function fail(
  deps: DispatchDeps,
  res: ServerResponse,
  error: unknown,
  requestId: string,
  operation: string,
): KvsError | undefined {
  if (deps.closing.aborted) {
    res.destroy();
    return undefined;
  }
  const kvsError =
    error instanceof KvsError
      ? error
      : new KvsError('InternalFailure', 'The emulator failed to process the request.');
  if (!(error instanceof KvsError)) deps.log({ level: 'error', requestId, operation, error: String(error) });
  deps.stats.error(operation, kvsError.type);
  if (res.headersSent) res.destroy();
  else writeKvsError(res, kvsError, requestId);
  return kvsError;
}

async function readInput(req: IncomingMessage): Promise<ReturnType<typeof parseJsonBody>> {
  const tooLarge = () => new KvsError('SerializationException', 'The request body is larger than 1 MiB');
  return parseJsonBody((await readBody(req, MAX_BODY_BYTES, tooLarge)).toString('utf8'));
}

async function handleApi(
  deps: DispatchDeps,
  op: ApiOperation<unknown>,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  about: About,
) {
  deps.stats.request(op.name);
  checkSigned(req.headers.authorization, deps.region);
  const input = op.parse(await readInput(req));
  const ref = op.streamOf(input);
  const streamName = ref && referencedName(ref);
  about.stream = streamName;
  const quotaKey = op.channelOf?.(input, deps.context()) ?? streamName;
  const decision = deps.quotas?.tryAcquire(op.name, quotaKey);
  if (decision && !decision.ok) throw throttled(op.name, decision, quotaKey);
  const stream = ref === undefined ? undefined : deps.registry.resolve(ref);
  const latencyMs = stream?.latencyMs ?? op.channel?.(input, deps.context())?.latencyMs ?? 0;
  if (latencyMs > 0) await deps.delay(latencyMs, deps.closing);
  if (stream?.fault === 'NotAuthorizedException') {
    throw new KvsError(
      'NotAuthorizedException',
      `The caller is not authorized to perform ${op.name} on stream ${stream.name}.`,
    );
  }
  if (stream?.fault === 'InternalServerError') {
    throw new KvsError('InternalFailure', `Stream ${stream.name} is set to fail with an internal error.`);
  }
  if (stream?.fault === 'EmptyAnswer') return writeJson(res, {}, requestId);
  const ctx = deps.context();
  if (op.respond) await op.respond(input, stream, ctx, { res, requestId });
  else {
    const output = await op.run(input, stream, ctx);
    writeJson(res, deps.answer ? deps.answer(op.name, output) : output, requestId);
  }
}

async function handleMedia(
  deps: DispatchDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  requestId: string,
  about: About,
) {
  setMediaCorsHeaders(res);
  if (req.method === 'OPTIONS') {
    res.writeHead(204).end();
    return;
  }
  const protocol = mediaProtocolOf(url.pathname);
  if (protocol === undefined) throw new Error('emulator bug: media request without a protocol');
  const session = admitMediaRequest(url, protocol, deps.secret, deps.now(), deps.registry);
  about.stream = session.streamName;
  if (deps.media === undefined) {
    throw new KvsError(
      'NotImplemented',
      'This emulator was started without a media hook, so it serves no media.',
    );
  }
  res.setHeader('x-amzn-RequestId', requestId);
  await deps.media(req, res, session, url.pathname);
}

/** The operation a request names, and the work that answers it. */
function route(
  deps: DispatchDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  requestId: string,
  about: About,
) {
  const isMedia =
    mediaProtocolOf(url.pathname) !== undefined && ['GET', 'HEAD', 'OPTIONS'].includes(req.method ?? '');
  const op = req.method === 'POST' ? API_ROUTES.get(url.pathname) : undefined;
  if (op !== undefined && !isMedia)
    return { operation: op.name, work: handleApi(deps, op, req, res, requestId, about) };
  const operation = isMedia ? mediaOperationName(url.pathname) : 'UnknownOperation';
  deps.stats.request(operation);
  const work = isMedia
    ? handleMedia(deps, req, res, url, requestId, about)
    : Promise.reject(
        new KvsError(
          'UnknownOperationException',
          `The emulator does not implement ${req.method} ${url.pathname}.`,
        ),
      );
  return { operation, work };
}

/** The server's request listener: answers every request, then logs one line about it. */
export function createDispatcher(deps: DispatchDeps) {
  const { now, log } = deps;
  return function dispatch(req: IncomingMessage, res: ServerResponse): void {
    const requestId = randomUUID();
    const started = performance.now();
    const url = URL.parse(req.url ?? '/', 'http://emulator');
    if (!url) {
      // Never echo the request target: a media URL's query carries the session token.
      const malformed = new KvsError('InvalidArgumentException', 'The request URL is malformed.');
      fail(deps, res, malformed, requestId, 'Malformed');
      log({ time: new Date(now()).toISOString(), requestId, operation: 'Malformed', status: res.statusCode });
      return;
    }
    const about: About = {};
    let errorType: string | undefined;
    const { operation, work } = route(deps, req, res, url, requestId, about);
    work
      .catch((error: unknown) => {
        errorType = fail(deps, res, error, requestId, operation)?.type;
      })
      .finally(() => {
        // The path only: the query of a media URL carries the session token, which is never logged.
        log({
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
  };
}
