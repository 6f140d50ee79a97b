// The archive routes (docs/api.md, "Archive") as calls: where a stream has media (timeline), what it looks like
// (images, paged), and an MP4 file of a range (clip) whose body is handed over as it arrives, never buffered whole.
import { BrokerClientError } from './errors';
import type { ByteStreamLike, ResponseLike } from './types';

/** An instant: ISO 8601 with a zone, or a Date. */
export type Instant = string | Date;

export interface ArchiveRange {
  from: Instant;
  to: Instant;
}

/** GET /v1/streams/{streamName}/timeline. */
export interface TimelineQuery extends ArchiveRange {
  /** Gaps shorter than this are merged: 0..60000. @default 2000 (the broker's) */
  gapMs?: number;
}

export interface TimelineInterval {
  /** ISO 8601. */
  start: string;
  end: string;
}

/** Where the archive has media in [from, to]: intervals sorted and disjoint. */
export interface Timeline {
  streamName: string;
  /** The part of the asked range the token's archive grants cover (ISO 8601). */
  from: string;
  /** Where the answer is complete: the asked `to` (capped at the stream head), or less when `truncated`. */
  to: string;
  intervals: TimelineInterval[];
  /** The broker's budget ended first: ask again from `to` for the rest. */
  truncated: boolean;
}

/** GET /v1/streams/{streamName}/images; bounds as KVS GetImages has them (docs/api.md). */
export interface ImagesQuery extends ArchiveRange {
  /** 200..300000. @default 3000 */
  intervalMs?: number;
  /** @default 'JPEG' */
  format?: 'JPEG' | 'PNG';
  /** 1..3840. @default 320 when height is absent */
  width?: number;
  /** 1..2160. */
  height?: number;
  /** 1..100, JPEG only. */
  quality?: number;
  /** 1..100. @default 25 */
  maxResults?: number;
  /** From the previous page, with the same query. */
  nextToken?: string;
}

/** A thumbnail (`data` base64 of `contentType`), or why there is none at that instant. */
export type ArchiveImage =
  | { timestamp: string; contentType: string; data: string }
  | { timestamp: string; error: 'NO_MEDIA' | 'MEDIA_ERROR' };

export interface ImagesPage {
  streamName: string;
  images: ArchiveImage[];
  /** More images in the range: pass it back with the same query. */
  nextToken?: string;
}

/** GET /v1/streams/{streamName}/clip: at most 1 h (KVS returns at most 200 fragments or 100 MB of it). */
export type ClipQuery = ArchiveRange;

/** The host's Blob type where it has one (browsers, Node), else the part of it the client promises. */
export type HostBlob = typeof globalThis extends { Blob: { prototype: infer B } }
  ? B
  : { readonly size: number; readonly type: string };

/**
 * A clip being downloaded: read it once, one way. The bytes arrive as KVS sends them; nothing here holds more than
 * the chunk in hand, so a Node caller writing `chunks()` to a file keeps its memory flat
 * (`await pipeline(clip.chunks(), createWriteStream(clip.fileName))`). Browsers: `await clip.blob()`.
 */
export interface ClipDownload {
  /** From Content-Disposition: `<stream>_<from as 20260115T120000Z>.mp4`. */
  fileName: string;
  /** `video/mp4`. */
  contentType: string;
  /** The web ReadableStream of the body, as fetch gave it; absent where fetch gives none (React Native). */
  body?: ByteStreamLike;
  /** The body's chunks, each read when the consumer asks for the next (throws where fetch gives no body stream). */
  chunks(): AsyncIterable<Uint8Array>;
  /** The whole file in memory, as the host's Blob (browsers: `URL.createObjectURL`). */
  blob(): Promise<HostBlob>;
  /** Stops the download. */
  cancel(): Promise<void>;
}

/** The archive calls of the BrokerClient. */
export interface ArchiveCalls {
  timeline(streamName: string, query: TimelineQuery, options?: { signal?: unknown }): Promise<Timeline>;
  /**
   * The whole range, one answer after another: each from where the last was complete (its `to`) while the broker
   * says `truncated` (its budget of KVS calls and time per request). Stops after the answer that is not truncated.
   */
  timelinePages(
    streamName: string,
    query: TimelineQuery,
    options?: { signal?: unknown },
  ): AsyncGenerator<Timeline, void, undefined>;
  /** One page of images; `imagePages` follows `nextToken` for you. */
  images(streamName: string, query: ImagesQuery, options?: { signal?: unknown }): Promise<ImagesPage>;
  /** Every page of the range in turn, from `query.nextToken` (or the first) to the last. */
  imagePages(
    streamName: string,
    query: ImagesQuery,
    options?: { signal?: unknown },
  ): AsyncGenerator<ImagesPage, void, undefined>;
  /**
   * Starts a clip download: resolves once the broker answered 200 (THROTTLED retried before then, as any call),
   * with the body still to read.
   */
  clip(streamName: string, query: ClipQuery, options?: { signal?: unknown }): Promise<ClipDownload>;
}

/** What the archive calls need of the client: JSON GETs and a raw one, each with its retries. */
export interface ArchiveTransport {
  getJson(path: string, signal: unknown): Promise<unknown>;
  getRaw(path: string, accept: string, signal: unknown): Promise<ResponseLike>;
}

const instant = (value: Instant) => (typeof value === 'string' ? value : value.toISOString());

/** `/v1/streams/{name}/{route}?k=v…`, undefined fields left out, in the query's own order. */
export function archivePath(streamName: string, route: string, query: object): string {
  const params = Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => {
      const text = v instanceof Date || typeof v === 'string' ? instant(v as Instant) : String(v);
      return `${encodeURIComponent(k)}=${encodeURIComponent(text)}`;
    });
  return `/v1/streams/${encodeURIComponent(streamName)}/${route}?${params.join('&')}`;
}

const unexpected = (message: string) => new BrokerClientError('UNEXPECTED_RESPONSE', message);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function isTimeline(body: unknown): body is Timeline {
  return (
    isObject(body) &&
    typeof body.streamName === 'string' &&
    typeof body.from === 'string' &&
    typeof body.to === 'string' &&
    typeof body.truncated === 'boolean' &&
    Array.isArray(body.intervals) &&
    body.intervals.every((i) => isObject(i) && typeof i.start === 'string' && typeof i.end === 'string')
  );
}

function isImagesPage(body: unknown): body is ImagesPage {
  return (
    isObject(body) &&
    typeof body.streamName === 'string' &&
    (body.nextToken === undefined || typeof body.nextToken === 'string') &&
    Array.isArray(body.images) &&
    body.images.every(
      (i) =>
        isObject(i) &&
        typeof i.timestamp === 'string' &&
        ((typeof i.data === 'string' && typeof i.contentType === 'string') || typeof i.error === 'string'),
    )
  );
}

/** `filename="…"` of a Content-Disposition, else `fallback`. */
export function attachmentName(disposition: string | null, fallback: string): string {
  const match = /filename="([^"]+)"/.exec(disposition ?? '');
  return match?.[1] ?? fallback;
}

function clipDownload(res: ResponseLike, fallbackName: string): ClipDownload {
  const body = res.body ?? undefined;
  const contentType = (res.headers.get('Content-Type') ?? '').split(';')[0]!.trim();
  if (contentType !== 'video/mp4') {
    void body?.getReader().cancel();
    throw unexpected(`the clip answer is not an MP4 file (Content-Type ${contentType || 'none'})`);
  }
  let taken = false;
  const take = () => {
    if (taken) throw new TypeError('kvs-session-broker/client: a clip body is read once');
    taken = true;
  };
  let reader: ReturnType<ByteStreamLike['getReader']> | undefined;
  const readerOnce = () => {
    if (!body)
      throw new TypeError(
        "kvs-session-broker/client: this fetch gives no body stream (React Native's): use blob()",
      );
    return (reader ??= body.getReader());
  };
  return {
    fileName: attachmentName(res.headers.get('Content-Disposition'), fallbackName),
    contentType,
    ...(body ? { body } : {}),
    async *chunks() {
      take();
      const chunks = readerOnce();
      try {
        for (;;) {
          const { done, value } = await chunks.read();
          if (done) return;
          if (value !== undefined) yield value;
        }
      } finally {
        // an early stop (a failed write) cancels the download rather than leaving it open
        await chunks.cancel().catch(() => undefined);
      }
    },
    async blob() {
      take();
      if (res.blob === undefined) throw new TypeError('kvs-session-broker/client: this fetch has no blob()');
      return (await res.blob()) as HostBlob;
    },
    async cancel() {
      // a body blob() is reading, or one already read, has nothing left to stop
      if (body && !taken) await readerOnce().cancel();
      else if (reader) await reader.cancel().catch(() => undefined);
    },
  };
}

export function archiveCalls(transport: ArchiveTransport): ArchiveCalls {
  const calls: ArchiveCalls = {
    async timeline(streamName, query, call = {}) {
      const answer = await transport.getJson(archivePath(streamName, 'timeline', query), call.signal);
      if (!isTimeline(answer)) throw unexpected('the timeline answer lacks from, to, intervals or truncated');
      return answer;
    },
    async *timelinePages(streamName, query, call = {}) {
      let from: Instant = query.from;
      for (;;) {
        const answer = await calls.timeline(streamName, { ...query, from }, call);
        yield answer;
        // a truncated answer that got nowhere would ask the same again forever
        if (!answer.truncated || Date.parse(answer.to) <= Date.parse(instant(from))) return;
        from = answer.to;
      }
    },
    async images(streamName, query, call = {}) {
      const answer = await transport.getJson(archivePath(streamName, 'images', query), call.signal);
      if (!isImagesPage(answer)) throw unexpected('the images answer lacks images');
      return answer;
    },
    async *imagePages(streamName, query, call = {}) {
      let nextToken = query.nextToken;
      do {
        const page = await calls.images(streamName, { ...query, nextToken }, call);
        yield page;
        nextToken = page.nextToken;
      } while (nextToken !== undefined);
    },
    async clip(streamName, query, call = {}) {
      const res = await transport.getRaw(archivePath(streamName, 'clip', query), 'video/mp4', call.signal);
      return clipDownload(res, `${streamName}.mp4`);
    },
  };
  return calls;
}
