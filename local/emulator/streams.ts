// The emulated streams: their configuration, ARNs, lookup by StreamName or StreamARN, and ListStreams paging.
import { KvsError } from './errors';

/** Faults a stream can be told to answer with, to exercise a caller's error mapping. */
export type StreamFault =
  | 'NotAuthorizedException'
  | 'MissingCodecPrivateDataException'
  | 'InvalidCodecPrivateDataException'
  | 'InternalServerError'
  | 'EmptyAnswer';

export interface StreamConfig {
  /** KVS stream name: 1..256 of [a-zA-Z0-9_.-]. */
  name: string;
  /** @default 24. 0 means the stream keeps no media, so playback sessions fail with NoDataRetentionException. */
  dataRetentionInHours?: number;
  /** KVS MediaType, comma-separated for several tracks. @default 'video/h264' */
  mediaType?: string;
  /**
   * Answer every call about this stream with this error. NotAuthorized and InternalServerError (a 500
   * InternalFailure) apply to all stream operations; the codec faults to the session URL operations. EmptyAnswer
   * answers every operation about the stream with 200 and `{}`, and ListStreams lists it as `{}`: the KVS API
   * reference marks no response element required (the SDK types them all optional), so a caller must cope.
   */
  fault?: StreamFault;
  /** Delay before answering any API call about this stream, to trigger client timeouts. @default 0 */
  latencyMs?: number;
  /** Stream creation time in ms; also the last part of the ARN. @default 1700000000000 */
  creationTime?: number;
  /**
   * A motion-triggered camera: media only in the first `forSeconds` of every `everySeconds`, periods counted from
   * the Unix epoch. Every archive answer (sessions, ListFragments, GetImages, GetClip) sees the same gaps.
   * @default always recording
   */
  recording?: Recording;
}

/** The longest recording period (a day, as the config allows): the media side tabulates one period of fragments. */
export const MAX_RECORDING_PERIOD_SECONDS = 86_400;

export interface Recording {
  readonly everySeconds: number;
  readonly forSeconds: number;
}

export interface Stream {
  readonly name: string;
  readonly dataRetentionInHours: number;
  readonly mediaType: string;
  readonly fault: StreamFault | undefined;
  readonly latencyMs: number;
  readonly creationTime: number;
  readonly recording: Recording | undefined;
}

const STREAM_CONFIG_KEYS = new Set([
  'name',
  'dataRetentionInHours',
  'mediaType',
  'fault',
  'latencyMs',
  'creationTime',
  'recording',
]);
const FAULTS: readonly StreamFault[] = [
  'NotAuthorizedException',
  'MissingCodecPrivateDataException',
  'InvalidCodecPrivateDataException',
  'InternalServerError',
  'EmptyAnswer',
];
export const DEFAULT_CREATION_TIME = 1_700_000_000_000;

/** A bad stream config is a programming error of the caller, so it throws a TypeError at once. */
export function toStream(config: StreamConfig): Stream {
  const unknown = Object.keys(config).filter((k) => !STREAM_CONFIG_KEYS.has(k));
  if (unknown.length > 0) throw new TypeError(`stream config: unknown field(s) ${unknown.join(', ')}`);
  const { name } = config;
  if (typeof name !== 'string' || !/^[a-zA-Z0-9_.-]{1,256}$/.test(name)) {
    throw new TypeError(`stream config: name must be 1..256 of [a-zA-Z0-9_.-], got ${JSON.stringify(name)}`);
  }
  const retention = config.dataRetentionInHours ?? 24;
  if (!Number.isInteger(retention) || retention < 0 || retention > 87600) {
    throw new TypeError(`stream ${name}: dataRetentionInHours must be an integer 0..87600`);
  }
  if (config.fault !== undefined && !FAULTS.includes(config.fault)) {
    throw new TypeError(`stream ${name}: fault must be one of ${FAULTS.join(', ')}`);
  }
  const latencyMs = config.latencyMs ?? 0;
  if (!Number.isFinite(latencyMs) || latencyMs < 0)
    throw new TypeError(`stream ${name}: latencyMs must be >= 0`);
  const creationTime = config.creationTime ?? DEFAULT_CREATION_TIME;
  if (!Number.isInteger(creationTime) || creationTime < 0) {
    throw new TypeError(`stream ${name}: creationTime must be epoch milliseconds`);
  }
  return {
    name,
    recording: checkRecording(name, config.recording),
    dataRetentionInHours: retention,
    mediaType: config.mediaType ?? 'video/h264',
    fault: config.fault,
    latencyMs,
    creationTime,
  };
}

function checkRecording(name: string, recording: Recording | undefined): Recording | undefined {
  if (recording === undefined) return undefined;
  const { everySeconds, forSeconds } = recording;
  const keys = Object.keys(recording).filter((k) => k !== 'everySeconds' && k !== 'forSeconds');
  if (
    keys.length > 0 ||
    !Number.isInteger(everySeconds) ||
    !Number.isInteger(forSeconds) ||
    forSeconds < 1 ||
    everySeconds <= forSeconds ||
    everySeconds > MAX_RECORDING_PERIOD_SECONDS
  ) {
    throw new TypeError(
      `stream ${name}: recording must be { everySeconds, forSeconds }, integers with 1 <= forSeconds < everySeconds ` +
        `<= ${MAX_RECORDING_PERIOD_SECONDS}`,
    );
  }
  return { everySeconds, forSeconds };
}

export interface Account {
  readonly region: string;
  readonly accountId: string;
}

export function streamArn(stream: Stream, account: Account): string {
  return `arn:aws:kinesisvideo:${account.region}:${account.accountId}:stream/${stream.name}/${stream.creationTime}`;
}

const ARN = /^arn:[a-z\d-]+:kinesisvideo:([a-z0-9-]+):([0-9]+):stream\/([a-zA-Z0-9_.-]+)\/([0-9]+)$/;

export interface StreamRef {
  streamName?: string;
  streamArn?: string;
}

/** The stream name a request is about, before the stream is known to exist (quotas are keyed on it). */
export function referencedName(ref: StreamRef): string | undefined {
  if (ref.streamName !== undefined) return ref.streamName;
  return ref.streamArn === undefined ? undefined : ARN.exec(ref.streamArn)?.[3];
}

function notFound(what: string): KvsError {
  return new KvsError(
    'ResourceNotFoundException',
    `The requested stream ${what} is not found or not active.`,
  );
}

export class StreamRegistry {
  private readonly byName = new Map<string, Stream>();

  constructor(readonly account: Account) {}

  put(config: StreamConfig): Stream {
    const stream = toStream(config);
    this.byName.set(stream.name, stream);
    return stream;
  }

  delete(name: string): boolean {
    return this.byName.delete(name);
  }

  get(name: string): Stream | undefined {
    return this.byName.get(name);
  }

  arnOf(name: string): string | undefined {
    const stream = this.byName.get(name);
    return stream && streamArn(stream, this.account);
  }

  /** KVS accepts either identifier; an ARN must name this region, account and the stream's creation time. */
  resolve(ref: StreamRef): Stream {
    const { streamName, streamArn } = ref;
    if (streamName === undefined && streamArn === undefined) {
      throw new KvsError('InvalidArgumentException', 'Either StreamName or StreamARN must be specified.');
    }
    let stream: Stream | undefined;
    if (streamArn !== undefined) {
      stream = this.fromArn(streamArn);
      if (stream === undefined) throw notFound(streamArn);
      if (streamName !== undefined && streamName !== stream.name) {
        throw new KvsError(
          'InvalidArgumentException',
          `StreamName ${streamName} and StreamARN ${streamArn} refer to different streams.`,
        );
      }
      return stream;
    }
    stream = this.byName.get(streamName as string);
    if (stream === undefined) throw notFound(streamName as string);
    return stream;
  }

  private fromArn(arn: string): Stream | undefined {
    const m = ARN.exec(arn);
    if (m === null) return undefined;
    const [, region, accountId, name, created] = m;
    if (region !== this.account.region || accountId !== this.account.accountId) return undefined;
    const stream = this.byName.get(name as string);
    return stream !== undefined && String(stream.creationTime) === created ? stream : undefined;
  }

  /** Sorted by name so that pages are stable while streams are added at run time. */
  list(prefix: string | undefined): Stream[] {
    return [...this.byName.values()]
      .filter((s) => prefix === undefined || s.name.startsWith(prefix))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

// A ListStreams NextToken remembers the last name returned; it is opaque to callers, as in KVS.
export function encodeNextToken(lastName: string): string {
  return Buffer.from(JSON.stringify({ after: lastName }), 'utf8').toString('base64');
}

export function decodeNextToken(token: string): string {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { after?: unknown }).after === 'string'
    ) {
      return (value as { after: string }).after;
    }
  } catch {
    // fall through: any token we did not mint is invalid
  }
  throw new KvsError(
    'InvalidArgumentException',
    'NextToken is not valid: pass the NextToken of a previous ListStreams answer.',
  );
}
