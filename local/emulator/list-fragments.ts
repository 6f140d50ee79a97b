// ListFragments: the fragments of a timestamp range, in no order even across pages (as the SDK model says of
// ListFragmentsOutput.Fragments), paged with MaxResults (1..1000) and NextToken.
import { randomInt } from 'node:crypto';
import {
  NOMINAL_FRAGMENT_DURATION_MS,
  NOMINAL_FRAGMENT_SIZE,
  decodePageToken,
  encodePageToken,
  fragmentsBetween,
  seconds,
  shuffled,
  type ArchiveMedia,
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

/** The SDK model's ListFragmentsMaxResults range; KVS returns at most 1,000 fragments per call. */
export const LIST_FRAGMENTS_MAX_RESULTS = 1000;

interface PageState {
  /** Selector type, range, the listing's "as of" time, shuffle seed and how many were returned already. */
  t: FragmentSelectorType;
  s: number;
  e: number;
  at: number;
  seed: number;
  o: number;
}

export interface ListFragmentsInput {
  stream: StreamRef;
  maxResults: number;
  page?: PageState;
  selector?: { type: FragmentSelectorType; startMs: number; endMs: number };
}

function isPageState(v: unknown): v is PageState {
  const s = v as PageState;
  return (
    typeof v === 'object' &&
    v !== null &&
    (FRAGMENT_SELECTOR_TYPES as readonly string[]).includes(s.t) &&
    [s.s, s.e, s.at, s.seed, s.o].every((n) => Number.isSafeInteger(n) && n >= 0)
  );
}

export function parseListFragments(body: JsonObject): ListFragmentsInput {
  const v = new Violations();
  const streamName = readString(body, 'StreamName');
  const streamArn = readString(body, 'StreamARN');
  v.streamIdentifier(streamName, streamArn);
  const maxResults = readInteger(body, 'MaxResults');
  v.range(maxResults, 'maxResults', 1, LIST_FRAGMENTS_MAX_RESULTS);
  const token = readString(body, 'NextToken');
  v.length(token, 'nextToken', 1, 4096);
  const selector = readObject(body, 'FragmentSelector');
  let parsed: ListFragmentsInput['selector'];
  if (selector !== undefined) {
    const rawType = readString(selector, 'FragmentSelectorType');
    v.required(rawType, 'fragmentSelector.fragmentSelectorType');
    const type = v.enumOf(
      rawType,
      'fragmentSelector.fragmentSelectorType',
      FRAGMENT_SELECTOR_TYPES,
      'SERVER_TIMESTAMP',
    );
    const range = readObject(selector, 'TimestampRange');
    v.required(range, 'fragmentSelector.timestampRange');
    const startMs = range && readTimestampMs(range, 'StartTimestamp');
    const endMs = range && readTimestampMs(range, 'EndTimestamp');
    if (range) {
      v.required(startMs, 'fragmentSelector.timestampRange.startTimestamp');
      v.required(endMs, 'fragmentSelector.timestampRange.endTimestamp');
    }
    if (startMs !== undefined && endMs !== undefined) parsed = { type, startMs, endMs };
  } else if (token === undefined) {
    v.required(undefined, 'fragmentSelector');
  }
  v.throwIfAny();
  if (parsed && parsed.endMs < parsed.startMs) {
    throw new KvsError('InvalidArgumentException', 'EndTimestamp must not be before StartTimestamp.');
  }
  const page = token === undefined ? undefined : decodePageToken(token, 'ListFragments', isPageState);
  return {
    stream: { streamName, streamArn },
    maxResults: maxResults ?? LIST_FRAGMENTS_MAX_RESULTS,
    ...(page ? { page } : {}),
    ...(parsed ? { selector: parsed } : {}),
  };
}

/** One page. A NextToken replays the listing as it stood at the first call, so pages never overlap or skip. */
export function listFragments(
  input: ListFragmentsInput,
  stream: Stream,
  media: ArchiveMedia | undefined,
  nowMs: number,
): JsonObject {
  const state: PageState = input.page ?? {
    t: input.selector!.type,
    s: Math.max(0, input.selector!.startMs),
    e: Math.max(0, input.selector!.endMs),
    at: nowMs,
    seed: randomInt(2 ** 31),
    o: 0,
  };
  const durationMs = media?.fragmentDurationMs ?? NOMINAL_FRAGMENT_DURATION_MS;
  // Producer and server timestamps are the same instant here (media time is epoch time), so both selectors agree.
  const all = shuffled(fragmentsBetween(stream, durationMs, state.s, state.e, state.at), state.seed);
  const page = all.slice(state.o, state.o + input.maxResults);
  const next = state.o + page.length;
  return {
    Fragments: page.map((n) => ({
      FragmentNumber: String(n),
      FragmentSizeInBytes: media?.fragmentSize(n) ?? NOMINAL_FRAGMENT_SIZE,
      ProducerTimestamp: seconds(n * durationMs),
      ServerTimestamp: seconds(n * durationMs),
      FragmentLengthInMilliseconds: durationMs,
    })),
    ...(next < all.length ? { NextToken: encodePageToken({ ...state, o: next }) } : {}),
  };
}
