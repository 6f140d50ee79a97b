// GetImages: one image per sampling instant of a range, with KVS's bounds (SDK model and API reference), paged.
import {
  decodePageToken,
  encodePageToken,
  holdsFragment,
  seconds,
  type ArchiveMedia,
  type ImageFormat,
} from './archive';
import { KvsError } from './errors';
import { FRAGMENT_SELECTOR_TYPES, type FragmentSelectorType } from './playback';
import type { Stream, StreamRef } from './streams';
import {
  Violations,
  readInteger,
  readObject,
  readString,
  readTimestampMs,
  type JsonObject,
} from './validation';

/** GetImagesInput.EndTimestamp: more than 300 s after StartTimestamp is an error (SDK model). */
export const IMAGES_MAX_RANGE_MS = 300_000;
/** GetImagesInput.SamplingInterval: "The minimum value that can be provided is 200 ms" (SDK model). */
export const IMAGES_MIN_SAMPLING_MS = 200;
/** Used when SamplingInterval is left out (the broker always sends one). */
export const IMAGES_DEFAULT_SAMPLING_MS = 3000;
/** "Maximum number of images per request is 100" (KVS service quotas, data plane). */
export const IMAGES_MAX_RESULTS = 100;
/** GetImagesInput.MaxResults: "The default limit is 25 images per API response" and a page never holds more. */
export const IMAGES_PAGE_SIZE = 25;
/** WidthPixels 1..3840, HeightPixels 1..2160 (SDK model ranges); JPEGQuality 1..100, default 80. */
export const IMAGES_MAX_WIDTH = 3840;
export const IMAGES_MAX_HEIGHT = 2160;
export const JPEG_DEFAULT_QUALITY = 80;

export interface GetImagesInput {
  stream: StreamRef;
  selector: FragmentSelectorType;
  startMs: number;
  endMs: number;
  samplingMs: number;
  format: ImageFormat;
  width?: number;
  height?: number;
  quality: number;
  maxResults: number;
  offset: number;
}

function readQuality(body: JsonObject, v: Violations): number {
  const config = readObject(body, 'FormatConfig');
  if (config === undefined) return JPEG_DEFAULT_QUALITY;
  const unknown = Object.keys(config).filter((k) => k !== 'JPEGQuality');
  if (unknown.length > 0) v.enumOf(unknown[0], 'formatConfig.key', ['JPEGQuality'], 'JPEGQuality');
  const raw = readString(config, 'JPEGQuality');
  if (raw === undefined) return JPEG_DEFAULT_QUALITY;
  const quality = /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  if (!(quality >= 1 && quality <= 100)) {
    throw new KvsError(
      'InvalidArgumentException',
      'FormatConfig JPEGQuality must be an integer from 1 to 100.',
    );
  }
  return quality;
}

function checkRange(startMs: number, endMs: number, samplingMs: number): void {
  const invalid = (message: string) => new KvsError('InvalidArgumentException', message);
  if (endMs < startMs) throw invalid('EndTimestamp must not be before StartTimestamp.');
  if (endMs - startMs > IMAGES_MAX_RANGE_MS)
    throw invalid('The time range between StartTimestamp and EndTimestamp must not exceed 300 seconds.');
  if (samplingMs < IMAGES_MIN_SAMPLING_MS)
    throw invalid(`SamplingInterval must be at least ${IMAGES_MIN_SAMPLING_MS} milliseconds.`);
}

export function parseGetImages(body: JsonObject): GetImagesInput {
  const v = new Violations();
  const streamName = readString(body, 'StreamName');
  const streamArn = readString(body, 'StreamARN');
  v.streamIdentifier(streamName, streamArn);
  const rawSelector = readString(body, 'ImageSelectorType');
  v.required(rawSelector, 'imageSelectorType');
  const selector = v.enumOf(rawSelector, 'imageSelectorType', FRAGMENT_SELECTOR_TYPES, 'SERVER_TIMESTAMP');
  const startMs = readTimestampMs(body, 'StartTimestamp');
  const endMs = readTimestampMs(body, 'EndTimestamp');
  v.required(startMs, 'startTimestamp');
  v.required(endMs, 'endTimestamp');
  const rawFormat = readString(body, 'Format');
  v.required(rawFormat, 'format');
  const format = v.enumOf(rawFormat, 'format', ['JPEG', 'PNG'] as const, 'JPEG');
  const samplingMs = readInteger(body, 'SamplingInterval') ?? IMAGES_DEFAULT_SAMPLING_MS;
  const width = readInteger(body, 'WidthPixels');
  const height = readInteger(body, 'HeightPixels');
  v.range(width, 'widthPixels', 1, IMAGES_MAX_WIDTH);
  v.range(height, 'heightPixels', 1, IMAGES_MAX_HEIGHT);
  const maxResults = readInteger(body, 'MaxResults');
  v.range(maxResults, 'maxResults', 1, IMAGES_MAX_RESULTS);
  const token = readString(body, 'NextToken');
  v.length(token, 'nextToken', 1, 4096);
  const quality = readQuality(body, v);
  v.throwIfAny();
  checkRange(startMs!, endMs!, samplingMs);
  const isOffset = (x: unknown): x is { o: number } =>
    typeof x === 'object' &&
    x !== null &&
    Number.isSafeInteger((x as { o: number }).o) &&
    (x as { o: number }).o > 0;
  const offset = token === undefined ? 0 : decodePageToken(token, 'GetImages', isOffset).o;
  return {
    stream: { streamName, streamArn },
    selector,
    startMs: startMs!,
    endMs: endMs!,
    samplingMs,
    format,
    ...(width !== undefined ? { width } : {}),
    ...(height !== undefined ? { height } : {}),
    quality,
    maxResults: maxResults ?? IMAGES_PAGE_SIZE,
    offset,
  };
}

/** The page size a request gets, which is also what KVS charges it in fragment points. */
export function imagesPageSize(input: GetImagesInput): number {
  return Math.min(input.maxResults, IMAGES_PAGE_SIZE);
}

/** The sampling instants of the range: start, start + interval, ... up to end (just start when shorter). */
function instants(input: GetImagesInput): number[] {
  const out: number[] = [];
  for (let t = input.startMs; t <= input.endMs; t += input.samplingMs) out.push(t);
  return out;
}

function hasVideo(stream: Stream): boolean {
  return stream.mediaType
    .split(',')
    .some((t) => ['video/h264', 'video/avc', 'video/h265', 'video/hevc'].includes(t.trim().toLowerCase()));
}

export async function getImages(
  input: GetImagesInput,
  stream: Stream,
  media: ArchiveMedia,
  nowMs: number,
): Promise<JsonObject> {
  if (stream.dataRetentionInHours === 0) {
    throw new KvsError('NoDataRetentionException', `Stream ${stream.name} does not retain data.`);
  }
  const all = instants(input);
  const page = all.slice(input.offset, input.offset + imagesPageSize(input));
  const d = media.fragmentDurationMs;
  const images = await Promise.all(
    page.map(async (t) => {
      const TimeStamp = seconds(t);
      if (!holdsFragment(stream, Math.floor(t / d), d, nowMs)) return { TimeStamp, Error: 'NO_MEDIA' };
      // audio only, or a codec no image can be made of: "the incorrect media has been ingested"
      if (!hasVideo(stream)) return { TimeStamp, Error: 'MEDIA_ERROR' };
      const bytes = await media.image(t, input);
      return { TimeStamp, ImageContent: Buffer.from(bytes).toString('base64') };
    }),
  );
  const next = input.offset + page.length;
  return { Images: images, ...(next < all.length ? { NextToken: encodePageToken({ o: next }) } : {}) };
}
