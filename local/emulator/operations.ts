// The API operations the emulator answers, by request path: how each reads its input and what it returns.
import { randomUUID } from 'node:crypto';
import { streamingSessionUrl } from './archived-media';
import {
  describeSignalingChannel,
  iceServerConfig,
  parseDescribeSignalingChannel,
  parseGetIceServerConfig,
  parseGetSignalingChannelEndpoint,
  signalingEndpoints,
  type ChannelRegistry,
} from './channels';
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
  channels: ChannelRegistry;
  endpoint: string;
  secret: Uint8Array;
  now: () => number;
}

export interface ApiOperation<I> {
  name: KvsOperation;
  parse(body: JsonObject): I;
  /** The stream the call is about (for quotas, latency and faults), or undefined for account-level calls. */
  streamOf(input: I): StreamRef | undefined;
  /** The signaling channel the call is about (for its per-channel quota), when it is about one. */
  channelOf?(input: I, ctx: OperationContext): string | undefined;
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
  [
    '/describeSignalingChannel',
    define({
      name: 'DescribeSignalingChannel',
      parse: parseDescribeSignalingChannel,
      streamOf: () => undefined,
      channelOf: (ref, ctx) => ref.channelName ?? ctx.channels.byArn(ref.channelArn ?? '')?.name,
      run: (ref, _stream, ctx) => describeSignalingChannel(ctx.channels.resolve(ref)),
    }),
  ],
  [
    '/getSignalingChannelEndpoint',
    define({
      name: 'GetSignalingChannelEndpoint',
      parse: parseGetSignalingChannelEndpoint,
      streamOf: () => undefined,
      run: (request, _stream, ctx) => {
        ctx.channels.resolve({ channelArn: request.channelArn });
        return signalingEndpoints(request, ctx.endpoint);
      },
    }),
  ],
  [
    // The HTTPS endpoint's path (@aws-sdk/client-kinesis-video-signaling: POST /v1/get-ice-server-config).
    '/v1/get-ice-server-config',
    define({
      name: 'GetIceServerConfig',
      parse: parseGetIceServerConfig,
      streamOf: () => undefined,
      channelOf: (request, ctx) => ctx.channels.byArn(request.channelArn)?.name,
      run: (request, _stream, ctx) => {
        ctx.channels.resolve({ channelArn: request.channelArn });
        return iceServerConfig(new URL(ctx.endpoint).hostname, ctx.now());
      },
    }),
  ],
]);

function mint(ctx: OperationContext) {
  return { endpoint: ctx.endpoint, secret: ctx.secret, nowMs: ctx.now(), sessionId: randomUUID() };
}
