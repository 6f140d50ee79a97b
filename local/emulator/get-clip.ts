// GetClip: an MP4 file of a timestamp range, streamed with backpressure, capped like KVS at 200 fragments or 100 MB.
import type { ServerResponse } from 'node:http';
import { checkPlayable } from './archived-media';
import { fragmentsBetween, type ArchiveMedia } from './archive';
import { KvsError } from './errors';
import { FRAGMENT_SELECTOR_TYPES, MAX_TIMESTAMP_RANGE_MS, type FragmentSelectorType } from './playback';
import type { Stream, StreamRef } from './streams';
import { Violations, readObject, readString, readTimestampMs, type JsonObject } from './validation';

/**
 * GetClipOutput.Payload: "the first 100 MB or the first 200 fragments from the specified start timestamp" (SDK
 * model; KVS service quotas, data plane: GetClip 100 MB size limit, maximum number of fragments 200, both hard).
 */
export const CLIP_MAX_FRAGMENTS = 200;
export const CLIP_MAX_BYTES = 100 * 1024 * 1024;

export interface GetClipInput {
  stream: StreamRef;
  selector: FragmentSelectorType;
  startMs: number;
  endMs: number;
}

export function parseGetClip(body: JsonObject): GetClipInput {
  const v = new Violations();
  const streamName = readString(body, 'StreamName');
  const streamArn = readString(body, 'StreamARN');
  v.streamIdentifier(streamName, streamArn);
  const selector = readObject(body, 'ClipFragmentSelector');
  v.required(selector, 'clipFragmentSelector');
  const rawType = selector && readString(selector, 'FragmentSelectorType');
  if (selector) v.required(rawType, 'clipFragmentSelector.fragmentSelectorType');
  const type = v.enumOf(
    rawType,
    'clipFragmentSelector.fragmentSelectorType',
    FRAGMENT_SELECTOR_TYPES,
    'SERVER_TIMESTAMP',
  );
  const range = selector && readObject(selector, 'TimestampRange');
  if (selector) v.required(range, 'clipFragmentSelector.timestampRange');
  const startMs = range && readTimestampMs(range, 'StartTimestamp');
  const endMs = range && readTimestampMs(range, 'EndTimestamp');
  if (range) {
    v.required(startMs, 'clipFragmentSelector.timestampRange.startTimestamp');
    v.required(endMs, 'clipFragmentSelector.timestampRange.endTimestamp');
  }
  v.throwIfAny();
  return { stream: { streamName, streamArn }, selector: type, startMs: startMs!, endMs: endMs! };
}

/** ClipTimestampRange's rules, then the fragments the clip holds: KVS's caps applied from the start. */
export function clipFragments(
  input: GetClipInput,
  stream: Stream,
  media: ArchiveMedia,
  nowMs: number,
): number[] {
  const invalid = (message: string) => new KvsError('InvalidArgumentException', message);
  if (input.endMs <= input.startMs) throw invalid('EndTimestamp must be later than StartTimestamp.');
  if (input.endMs - input.startMs > MAX_TIMESTAMP_RANGE_MS)
    throw invalid('EndTimestamp must be within 24 hours of StartTimestamp.');
  if (input.selector === 'SERVER_TIMESTAMP' && input.endMs > nowMs)
    throw invalid('EndTimestamp must be in the past when FragmentSelectorType is SERVER_TIMESTAMP.');
  checkPlayable(stream, 'DASH');
  const all = fragmentsBetween(stream, media.fragmentDurationMs, input.startMs, input.endMs, nowMs);
  if (all.length === 0) {
    throw new KvsError(
      'ResourceNotFoundException',
      `No fragments found in stream ${stream.name} for the requested clip range.`,
    );
  }
  const kept: number[] = [];
  let bytes = 0;
  for (const n of all) {
    bytes += media.fragmentSize(n);
    if (kept.length === CLIP_MAX_FRAGMENTS || (kept.length > 0 && bytes > CLIP_MAX_BYTES)) break;
    kept.push(n);
  }
  return kept;
}

/** Resolves when the socket drains or closes, leaving no listener behind (a clip waits here hundreds of times). */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Writes the clip as it is built, waiting for the socket to drain; gives up quietly when the caller goes away. */
export async function writeClip(
  res: ServerResponse,
  media: ArchiveMedia,
  fragments: readonly number[],
  requestId: string,
): Promise<number> {
  const clip = media.clip(fragments);
  res.writeHead(200, {
    // GetClip's ContentType header is not required (API reference): a media side naming none sends none
    ...(clip.contentType ? { 'Content-Type': clip.contentType } : {}),
    'Content-Length': String(clip.byteLength),
    'x-amzn-RequestId': requestId,
  });
  let sent = 0;
  for (const chunk of clip.chunks()) {
    if (res.destroyed) return sent;
    sent += chunk.length;
    if (!res.write(chunk)) await drainedOrClosed(res);
  }
  res.end();
  return sent;
}
