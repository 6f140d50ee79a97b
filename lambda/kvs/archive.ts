// The archive calls: ListFragments, GetImages and GetClip on the data endpoint of each API (cached with the session
// calls'), under the request's deadline and retries. Failures leave as BrokerErrors (core/errors.ts).
import {
  GetClipCommand,
  GetImagesCommand,
  ListFragmentsCommand,
  type GetImagesCommandInput,
} from '@aws-sdk/client-kinesis-video-archived-media';
import type { APIName } from '@aws-sdk/client-kinesis-video';
import type { Readable } from 'node:stream';
import { BrokerError } from '../core/errors';
import type { ImagesRequest } from '../core/archive';
import { INVALIDATING, type KvsCallOptions, type KvsClients } from './adapter';
import { withRetries } from './retry';

export interface FragmentTime {
  startMs: number;
  durationMs: number;
}

export interface FragmentPage {
  fragments: FragmentTime[];
  nextToken?: string;
}

/** What GetImages is asked: the route's images request (core), its window as KVS's start and end. */
export type ImagesQuery = Omit<ImagesRequest, 'streamName' | 'fromMs' | 'toMs'> & {
  startMs: number;
  endMs: number;
};

export type ArchiveImage =
  { timestampMs: number; data: string } | { timestampMs: number; error: 'NO_MEDIA' | 'MEDIA_ERROR' };

export interface ImagesPage {
  images: ArchiveImage[];
  nextToken?: string;
}

export interface ClipStream {
  contentType: string;
  /** The MP4 as KVS sends it; read it once, and destroy it if the reader goes away. */
  body: Readable;
}

export interface ArchiveAdapter {
  /** One ListFragments page of fragments starting in [startMs, endMs] (both inclusive), in no order. */
  listFragments(
    streamName: string,
    range: { startMs: number; endMs: number },
    nextToken?: string,
    options?: KvsCallOptions & { maxResults?: number },
  ): Promise<FragmentPage>;
  /** One GetImages page (SERVER_TIMESTAMP). */
  getImages(streamName: string, query: ImagesQuery, options?: KvsCallOptions): Promise<ImagesPage>;
  /** GetClip's MP4, as a stream: its answer has begun when this resolves. */
  getClip(
    streamName: string,
    range: { startMs: number; endMs: number },
    options?: KvsCallOptions,
  ): Promise<ClipStream>;
}

type Client = ReturnType<KvsClients['mediaClient']>;
type Call = <T>(
  streamName: string,
  apiName: APIName,
  options: KvsCallOptions | undefined,
  send: (client: Client, abortSignal: AbortSignal) => Promise<T>,
) => Promise<T>;

const kvsRange = (range: { startMs: number; endMs: number }) => ({
  StartTimestamp: new Date(range.startMs),
  EndTimestamp: new Date(range.endMs),
});

async function listFragments(
  call: Call,
  streamName: string,
  range: { startMs: number; endMs: number },
  nextToken: string | undefined,
  options: (KvsCallOptions & { maxResults?: number }) | undefined,
): Promise<FragmentPage> {
  const command = new ListFragmentsCommand({
    StreamName: streamName,
    ...(options?.maxResults !== undefined ? { MaxResults: options.maxResults } : {}),
    ...(nextToken
      ? { NextToken: nextToken }
      : { FragmentSelector: { FragmentSelectorType: 'SERVER_TIMESTAMP', TimestampRange: kvsRange(range) } }),
  });
  const out = await call(streamName, 'LIST_FRAGMENTS', options, (c, abortSignal) =>
    c.send(command, { abortSignal }),
  );
  return {
    // Stryker disable next-line ArrayDeclaration: a made-up element has no ServerTimestamp, so the guard drops it too
    fragments: (out.Fragments ?? []).flatMap((f) =>
      f.ServerTimestamp && f.FragmentLengthInMilliseconds !== undefined
        ? [{ startMs: f.ServerTimestamp.getTime(), durationMs: f.FragmentLengthInMilliseconds }]
        : [],
    ),
    ...(out.NextToken ? { nextToken: out.NextToken } : {}),
  };
}

async function getImages(
  call: Call,
  streamName: string,
  q: ImagesQuery,
  options: KvsCallOptions | undefined,
): Promise<ImagesPage> {
  const input: GetImagesCommandInput = {
    StreamName: streamName,
    ImageSelectorType: 'SERVER_TIMESTAMP',
    StartTimestamp: new Date(q.startMs),
    EndTimestamp: new Date(q.endMs),
    SamplingInterval: q.intervalMs,
    Format: q.format,
    // A quality comes with JPEG only (core/archive.ts refuses it with PNG); absent, KVS uses JPEGQuality 80.
    ...(q.quality !== undefined ? { FormatConfig: { JPEGQuality: String(q.quality) } } : {}),
    // the SDK leaves out a member that is undefined (as listStreams' MaxResults in adapter.ts)
    WidthPixels: q.width,
    HeightPixels: q.height,
    MaxResults: q.maxResults,
    ...(q.nextToken ? { NextToken: q.nextToken } : {}),
  };
  const out = await call(streamName, 'GET_IMAGES', options, (c, abortSignal) =>
    c.send(new GetImagesCommand(input), { abortSignal }),
  );
  // Stryker disable next-line ArrayDeclaration: a made-up element has no TimeStamp, so the guard drops it too
  const images = (out.Images ?? []).flatMap((image): ArchiveImage[] => {
    const timestampMs = image.TimeStamp?.getTime();
    if (timestampMs === undefined) return [];
    if (image.ImageContent) return [{ timestampMs, data: image.ImageContent }];
    return [{ timestampMs, error: image.Error === 'NO_MEDIA' ? 'NO_MEDIA' : 'MEDIA_ERROR' }];
  });
  return { images, ...(out.NextToken ? { nextToken: out.NextToken } : {}) };
}

async function getClip(
  call: Call,
  streamName: string,
  range: { startMs: number; endMs: number },
  options: KvsCallOptions | undefined,
): Promise<ClipStream> {
  const command = new GetClipCommand({
    StreamName: streamName,
    ClipFragmentSelector: { FragmentSelectorType: 'SERVER_TIMESTAMP', TimestampRange: kvsRange(range) },
  });
  const out = await call(streamName, 'GET_CLIP', options, (c, abortSignal) =>
    c.send(command, { abortSignal }),
  );
  // Stryker disable next-line all: dead by the SDK, which always sets a streaming payload (the HTTP body) in GetClip's answer
  if (!out.Payload) throw new BrokerError('UPSTREAM_ERROR', 'Kinesis Video Streams returned no clip');
  return { contentType: out.ContentType ?? 'video/mp4', body: out.Payload as unknown as Readable };
}

/** The archive calls on `clients` (share them with createKvsAdapter to share the data-endpoint cache). */
export function createArchiveAdapter(clients: KvsClients): ArchiveAdapter {
  const { endpoints, mediaClient, retryContext } = clients;
  /** One call on the stream's data endpoint for `apiName`, retried; a stale endpoint is forgotten. */
  const call: Call = async (streamName, apiName, options, send) => {
    const retry = retryContext(options);
    const client = mediaClient(await endpoints.get(streamName, apiName, retry));
    return withRetries(
      retry,
      (abortSignal) => send(client, abortSignal),
      (exceptionName) => {
        if (INVALIDATING.has(exceptionName)) endpoints.forget(streamName, apiName);
      },
    );
  };
  return {
    listFragments: (streamName, range, nextToken, options) =>
      listFragments(call, streamName, range, nextToken, options),
    getImages: (streamName, query, options) => getImages(call, streamName, query, options),
    getClip: (streamName, range, options) => getClip(call, streamName, range, options),
  };
}
