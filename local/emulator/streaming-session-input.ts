// Pure validation of GetDASHStreamingSessionURL / GetHLSStreamingSessionURL input, by KVS's documented rules.
import { KvsError } from './errors';
import {
  CONTAINER_FORMATS,
  DISCONTINUITY_MODES,
  DISPLAY_OPTIONS,
  EXPIRES_MAX_SECONDS,
  EXPIRES_MIN_SECONDS,
  FRAGMENT_SELECTOR_TYPES,
  MAX_FRAGMENT_RESULTS_LIMIT,
  MAX_TIMESTAMP_RANGE_MS,
  PLAYBACK_MODES,
  defaultDiscontinuityMode,
  defaultMaxFragmentResults,
  type ContainerFormat,
  type DiscontinuityMode,
  type DisplayOption,
  type FragmentSelectorType,
  type PlaybackMode,
  type Protocol,
} from './playback';
import type { StreamRef } from './streams';
import {
  Violations,
  memberPath,
  readInteger,
  readObject,
  readString,
  readTimestampMs,
  type JsonObject,
} from './validation';

/** The input of GetDASH/HLSStreamingSessionURL with KVS's defaults applied; timestamps in epoch milliseconds. */
export interface StreamingSessionInput {
  stream: StreamRef;
  protocol: Protocol;
  playbackMode: PlaybackMode;
  fragmentSelectorType: FragmentSelectorType;
  startTimestampMs?: number;
  endTimestampMs?: number;
  displayFragmentTimestamp: DisplayOption;
  displayFragmentNumber?: DisplayOption;
  containerFormat?: ContainerFormat;
  discontinuityMode?: DiscontinuityMode;
  maxFragmentResults: number;
  expiresSeconds: number;
}

// The two operations differ only in member names and a few protocol-specific options.
const MEMBERS = {
  DASH: { selector: 'DASHFragmentSelector', maxResults: 'MaxManifestFragmentResults' },
  HLS: { selector: 'HLSFragmentSelector', maxResults: 'MaxMediaPlaylistFragmentResults' },
} as const;

/** The options only one protocol has: DisplayFragmentNumber (DASH), ContainerFormat and DiscontinuityMode (HLS). */
function protocolOptions(
  protocol: Protocol,
  body: JsonObject,
  v: Violations,
  fragmentSelectorType: FragmentSelectorType,
): Partial<StreamingSessionInput> {
  if (protocol === 'DASH') {
    return {
      displayFragmentNumber: v.enumOf(
        readString(body, 'DisplayFragmentNumber'),
        'displayFragmentNumber',
        DISPLAY_OPTIONS,
        'NEVER',
      ),
    };
  }
  return {
    containerFormat: v.enumOf(
      readString(body, 'ContainerFormat'),
      'containerFormat',
      CONTAINER_FORMATS,
      'FRAGMENTED_MP4',
    ),
    discontinuityMode: v.enumOf(
      readString(body, 'DiscontinuityMode'),
      'discontinuityMode',
      DISCONTINUITY_MODES,
      defaultDiscontinuityMode(fragmentSelectorType),
    ),
  };
}

export function parseStreamingSessionInput(protocol: Protocol, body: JsonObject): StreamingSessionInput {
  const names = MEMBERS[protocol];
  const v = new Violations();
  const streamName = readString(body, 'StreamName');
  const streamArn = readString(body, 'StreamARN');
  v.streamIdentifier(streamName, streamArn);

  const playbackMode = v.enumOf(readString(body, 'PlaybackMode'), 'playbackMode', PLAYBACK_MODES, 'LIVE');
  const selector = readObject(body, names.selector);
  const selectorPath = memberPath(names.selector);
  const fragmentSelectorType = v.enumOf(
    selector && readString(selector, 'FragmentSelectorType'),
    `${selectorPath}.fragmentSelectorType`,
    FRAGMENT_SELECTOR_TYPES,
    'SERVER_TIMESTAMP',
  );
  const range = selector && readObject(selector, 'TimestampRange');
  const startTimestampMs = range && readTimestampMs(range, 'StartTimestamp');
  const endTimestampMs = range && readTimestampMs(range, 'EndTimestamp');

  const expiresSeconds = readInteger(body, 'Expires') ?? EXPIRES_MIN_SECONDS;
  v.range(expiresSeconds, 'expires', EXPIRES_MIN_SECONDS, EXPIRES_MAX_SECONDS);
  const maxFragmentResults = readInteger(body, names.maxResults);
  v.range(maxFragmentResults, memberPath(names.maxResults), 1, MAX_FRAGMENT_RESULTS_LIMIT);
  const displayFragmentTimestamp = v.enumOf(
    readString(body, 'DisplayFragmentTimestamp'),
    'displayFragmentTimestamp',
    DISPLAY_OPTIONS,
    'NEVER',
  );

  const request: StreamingSessionInput = {
    stream: { streamName, streamArn },
    protocol,
    playbackMode,
    fragmentSelectorType,
    startTimestampMs,
    endTimestampMs,
    displayFragmentTimestamp,
    maxFragmentResults: maxFragmentResults ?? defaultMaxFragmentResults(playbackMode),
    expiresSeconds,
  };
  Object.assign(request, protocolOptions(protocol, body, v, fragmentSelectorType));
  v.throwIfAny();
  checkTimestampRange(playbackMode, range !== undefined, startTimestampMs, endTimestampMs);
  return request;
}

function invalid(message: string): KvsError {
  return new KvsError('InvalidArgumentException', message);
}

/** The FragmentSelector rules of the KVS API reference (DASHTimestampRange / HLSTimestampRange). */
export function checkTimestampRange(
  mode: PlaybackMode,
  hasRange: boolean,
  startMs: number | undefined,
  endMs: number | undefined,
): void {
  if (mode === 'LIVE') {
    if (hasRange) throw invalid('TimestampRange must not be set when PlaybackMode is LIVE.');
    return;
  }
  if (startMs === undefined) {
    throw invalid(`StartTimestamp is required when PlaybackMode is ${mode}.`);
  }
  if (mode === 'ON_DEMAND' && endMs === undefined) {
    throw invalid('EndTimestamp is required when PlaybackMode is ON_DEMAND.');
  }
  if (endMs === undefined) return;
  if (endMs <= startMs) throw invalid('EndTimestamp must be later than StartTimestamp.');
  if (endMs - startMs > MAX_TIMESTAMP_RANGE_MS) {
    throw invalid('EndTimestamp must be within 24 hours of StartTimestamp.');
  }
}
