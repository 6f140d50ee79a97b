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
  type Channel,
  type ChannelRegistry,
} from './channels';
import {
  listStreams,
  parseGetDataEndpoint,
  parseListStreams,
  parseStreamRef,
  streamInfo,
} from './control-plane';
import type { ServerResponse } from 'node:http';
import type { ArchiveMedia } from './archive';
import { KvsError } from './errors';
import { clipFragments, parseGetClip, writeClip } from './get-clip';
import { getImages, parseGetImages } from './get-images';
import { listFragments, parseListFragments } from './list-fragments';
import { fragmentsThrottled, type FragmentPool, type KvsOperation, type Quotas } from './quotas';
import type { StatsRecorder } from './stats';
import { parseStreamingSessionInput } from './streaming-session-input';
import type { Stream, StreamRef, StreamRegistry } from './streams';
import type { JsonObject } from './validation';

export interface OperationContext {
  registry: StreamRegistry;
  channels: ChannelRegistry;
  endpoint: string;
  secret: Uint8Array;
  now: () => number;
  /** The media the archive APIs answer from; without it GetImages and GetClip answer 501. */
  archive: ArchiveMedia | undefined;
  /** Undefined when quotas are off. */
  quotas: Quotas | undefined;
  stats: StatsRecorder;
}

export interface ApiOperation<I> {
  name: KvsOperation;
  parse(body: JsonObject): I;
  /** The stream the call is about (for quotas, latency and faults), or undefined for account-level calls. */
  streamOf(input: I): StreamRef | undefined;
  /** The signaling channel the call is about (for its per-channel quota), when it is about one. */
  channelOf?(input: I, ctx: OperationContext): string | undefined;
  /** The known signaling channel the call is about (for its latency), if any. */
  channel?(input: I, ctx: OperationContext): Channel | undefined;
  run(input: I, stream: Stream | undefined, ctx: OperationContext): JsonObject | Promise<JsonObject>;
  /** Instead of `run`, for an answer that is not JSON: writes it whole (GetClip's streamed MP4). */
  respond?(
    input: I,
    stream: Stream | undefined,
    ctx: OperationContext,
    out: { res: ServerResponse; requestId: string },
  ): Promise<void>;
}

function define<I>(op: ApiOperation<I>): ApiOperation<unknown> {
  return op as ApiOperation<unknown>;
}

// The server resolves the stream before `run` whenever `streamOf` returns a reference.
function known(stream: Stream | undefined): Stream {
  if (stream === undefined) throw new Error('emulator bug: stream operation run without a stream');
  return stream;
}

/** Takes a request's fragment points from its stream, or fails like KVS (see FRAGMENT_QUOTAS). */
function charge(
  ctx: OperationContext,
  operation: KvsOperation,
  stream: Stream,
  points: Partial<Record<FragmentPool, number>>,
): void {
  const decision = ctx.quotas?.tryConsume(stream.name, points);
  if (decision && !decision.ok) throw fragmentsThrottled(operation, stream.name, decision);
}

function archiveOf(ctx: OperationContext): ArchiveMedia {
  if (ctx.archive === undefined) {
    throw new KvsError(
      'NotImplemented',
      'This emulator was started without archive media, so it makes no images or clips.',
    );
  }
  return ctx.archive;
}

/** ListFragments, GetImages and GetClip (restJson1, POST, paths from the SDK model). */
const ARCHIVE_ROUTES: Array<[string, ApiOperation<unknown>]> = [
  [
    '/listFragments',
    define({
      name: 'ListFragments',
      parse: parseListFragments,
      streamOf: (input) => input.stream,
      run: (input, stream, ctx) => {
        charge(ctx, 'ListFragments', known(stream), { metadata: input.maxResults });
        return listFragments(input, known(stream), ctx.archive, ctx.now());
      },
    }),
  ],
  [
    '/getImages',
    define({
      name: 'GetImages',
      parse: parseGetImages,
      streamOf: (input) => input.stream,
      run: (input, stream, ctx) => {
        const media = archiveOf(ctx);
        charge(ctx, 'GetImages', known(stream), {
          metadata: 400 + input.maxResults,
          media: input.maxResults,
        });
        return getImages(input, known(stream), media, ctx.now());
      },
    }),
  ],
  [
    '/getClip',
    define({
      name: 'GetClip',
      parse: parseGetClip,
      streamOf: (input) => input.stream,
      run: () => {
        throw new Error('emulator bug: GetClip answers through respond');
      },
      respond: async (input, stream, ctx, out) => {
        const media = archiveOf(ctx);
        const fragments = clipFragments(input, known(stream), media, ctx.now());
        charge(ctx, 'GetClip', known(stream), { metadata: fragments.length, media: fragments.length });
        const sent = await writeClip(out.res, media, fragments, out.requestId);
        ctx.stats.outgoingBytes(known(stream).name, sent, 'GetClip.OutgoingBytes');
      },
    }),
  ],
];

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
      channel: (ref, ctx) => ctx.channels.find(ref),
      run: (ref, _stream, ctx) => describeSignalingChannel(ctx.channels.resolve(ref)),
    }),
  ],
  [
    '/getSignalingChannelEndpoint',
    define({
      name: 'GetSignalingChannelEndpoint',
      parse: parseGetSignalingChannelEndpoint,
      streamOf: () => undefined,
      channel: (request, ctx) => ctx.channels.byArn(request.channelArn),
      run: (request, _stream, ctx) =>
        signalingEndpoints(request, ctx.endpoint, ctx.channels.resolve({ channelArn: request.channelArn })),
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
      channel: (request, ctx) => ctx.channels.byArn(request.channelArn),
      run: (request, _stream, ctx) =>
        iceServerConfig(
          new URL(ctx.endpoint).hostname,
          ctx.now(),
          ctx.channels.resolve({ channelArn: request.channelArn }),
        ),
    }),
  ],
  ...ARCHIVE_ROUTES,
]);

function mint(ctx: OperationContext) {
  return { endpoint: ctx.endpoint, secret: ctx.secret, nowMs: ctx.now(), sessionId: randomUUID() };
}
