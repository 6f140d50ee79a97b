// The API operations the emulator answers, by request path: how each reads its input and what it returns.
import { randomUUID } from 'node:crypto';
import { streamingSessionUrl } from './archived-media';
import {
  listStreams,
  parseGetDataEndpoint,
  parseListStreams,
  parseStreamRef,
  streamInfo,
} from './control-plane';
import type { KvsOperation } from './quotas';
import { parseStreamingSessionInput } from './streaming-session-input';
import type { Stream, StreamRef, StreamRegistry } from './streams';
import type { JsonObject } from './validation';

export interface OperationContext {
  registry: StreamRegistry;
  endpoint: string;
  secret: Uint8Array;
  now: () => number;
}

export interface ApiOperation<I> {
  name: KvsOperation;
  parse(body: JsonObject): I;
  /** The stream the call is about (for quotas, latency and faults), or undefined for account-level calls. */
  streamOf(input: I): StreamRef | undefined;
  run(input: I, stream: Stream | undefined, ctx: OperationContext): JsonObject;
}

function define<I>(op: ApiOperation<I>): ApiOperation<unknown> {
  return op as ApiOperation<unknown>;
}

// The server resolves the stream before `run` whenever `streamOf` returns a reference.
function known(stream: Stream | undefined): Stream {
  if (stream === undefined) throw new Error('emulator bug: stream operation run without a stream');
  return stream;
}

/** Paths and methods are the `http` traits of the SDK's models (all POST, restJson1). */
export const API_ROUTES: ReadonlyMap<string, ApiOperation<unknown>> = new Map([
  [
    '/getDataEndpoint',
    define({
      name: 'GetDataEndpoint',
      parse: parseGetDataEndpoint,
      streamOf: (input) => input.stream,
      // Every API is served by this one process, so the data endpoint is the emulator itself.
      run: (_input, _stream, ctx) => ({ DataEndpoint: ctx.endpoint }),
    }),
  ],
  [
    '/describeStream',
    define({
      name: 'DescribeStream',
      parse: parseStreamRef,
      streamOf: (ref) => ref,
      run: (_ref, stream, ctx) => ({ StreamInfo: streamInfo(known(stream), ctx.registry.account) }),
    }),
  ],
  [
    '/listStreams',
    define({
      name: 'ListStreams',
      parse: parseListStreams,
      streamOf: () => undefined,
      run: (input, _stream, ctx) => listStreams(input, ctx.registry),
    }),
  ],
  [
    '/getDASHStreamingSessionURL',
    define({
      name: 'GetDASHStreamingSessionURL',
      parse: (body) => parseStreamingSessionInput('DASH', body),
      streamOf: (request) => request.stream,
      run: (request, stream, ctx) => ({
        DASHStreamingSessionURL: streamingSessionUrl(request, known(stream), mint(ctx)),
      }),
    }),
  ],
  [
    '/getHLSStreamingSessionURL',
    define({
      name: 'GetHLSStreamingSessionURL',
      parse: (body) => parseStreamingSessionInput('HLS', body),
      streamOf: (request) => request.stream,
      run: (request, stream, ctx) => ({
        HLSStreamingSessionURL: streamingSessionUrl(request, known(stream), mint(ctx)),
      }),
    }),
  ],
]);

function mint(ctx: OperationContext) {
  return { endpoint: ctx.endpoint, secret: ctx.secret, nowMs: ctx.now(), sessionId: randomUUID() };
}
