// The broker's REST API (docs/api.md) as types, and the seams the client takes from its host: fetch,
// clock, timers and randomness. Structural on purpose: no DOM or Node types, so it compiles for browsers,
// React Native and Node alike.

export type Protocol = 'DASH' | 'HLS';
export type PlaybackMode = 'LIVE' | 'LIVE_REPLAY' | 'ON_DEMAND';

/** The body of POST /v1/streams/{streamName}/sessions; every field optional, the broker judges them. */
export interface SessionRequest {
  protocol?: Protocol;
  playbackMode?: PlaybackMode;
  fragmentSelectorType?: 'SERVER_TIMESTAMP' | 'PRODUCER_TIMESTAMP';
  /** ISO 8601 with zone; forbidden for LIVE, required otherwise. */
  startTimestamp?: string;
  /** ISO 8601 with zone; forbidden for LIVE, required for ON_DEMAND. */
  endTimestamp?: string;
  /** 300..43200; the broker may grant less and says so in `expiresAt`. */
  expiresInSeconds?: number;
  maxFragmentResults?: number;
  displayFragmentTimestamp?: 'ALWAYS' | 'NEVER';
  /** DASH only. */
  displayFragmentNumber?: 'ALWAYS' | 'NEVER';
  /** HLS only. */
  containerFormat?: 'FRAGMENTED_MP4' | 'MPEG_TS';
  /** HLS only. */
  discontinuityMode?: 'ALWAYS' | 'NEVER' | 'ON_DISCONTINUITY';
  /** The device's stable id (seats); the client fills it in (BrokerClientOptions.viewerId). */
  viewerId?: string;
}

/** A playback session. `url` carries a credential (its SessionToken): never log or persist it. */
export interface Session {
  url: string;
  protocol: Protocol;
  streamName: string;
  playbackMode: PlaybackMode;
  /** ISO 8601. */
  expiresAt: string;
  /** The lifetime granted, which may be less than asked (the broker's caps). */
  expiresInSeconds?: number;
}

/** One entry of POST /v1/sessions: the body of a single session, plus the stream it is for. */
export interface GridSessionRequest extends SessionRequest {
  streamName: string;
}

/** An entry of POST /v1/sessions the broker refused or could not open, in the place of its session. */
export interface SessionFailure {
  streamName: string;
  /** `code` is one of the broker's error codes (BrokerErrorCode), as for a single session. */
  error: { code: string; message: string; reason?: string };
  /** THROTTLED: seconds to wait before asking for this entry again. */
  retryAfterSeconds?: number;
}

export interface StreamEntry {
  streamName: string;
  modes: PlaybackMode[];
  protocols: Protocol[];
}

export interface StreamListing {
  streams: StreamEntry[];
  nextToken?: string;
  /** The broker stopped early (its KVS call budget): page on with `nextToken`. */
  truncated?: boolean;
}

/** What the client needs of a fetch body: a byte stream read chunk by chunk (a web ReadableStream). */
export interface ByteStreamLike {
  getReader(): {
    read(): Promise<{ done: boolean; value?: Uint8Array }>;
    cancel(reason?: unknown): Promise<void>;
    releaseLock(): void;
  };
}

/** What the client needs of a fetch Response. */
export interface ResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
  /** The body as a byte stream (fetch's ReadableStream): read for a clip, which is never buffered whole. */
  readonly body?: ByteStreamLike | null;
  /** The body as the host's Blob (browsers, Node 18+). */
  blob?(): Promise<unknown>;
}

export interface RequestInitLike {
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Passed through to fetch as is (an AbortSignal where the host has one). */
  signal?: unknown;
  /**
   * Always `'manual'`: a redirect is never followed, so the bearer token never reaches another URL (a browser
   * answers it as an opaque redirect, status 0; Node and React Native with the 3xx itself).
   */
  redirect: 'manual';
}

/** `fetch`, or anything that answers like it (React Native's, Node's, a test double). */
export type FetchLike = (url: string, init: RequestInitLike) => Promise<ResponseLike>;

/** Timers as the host has them (`setTimeout`/`clearTimeout`); handles are opaque. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The host's services, injectable so tests are deterministic. */
export interface Environment {
  /** @default globalThis.fetch */
  fetch: FetchLike;
  /** Milliseconds since the epoch. @default Date.now */
  now: () => number;
  /** @default globalThis.setTimeout / clearTimeout */
  timers: Timers;
  /** Uniform in [0, 1). @default Math.random */
  random: () => number;
}

interface HostGlobals {
  fetch?: FetchLike;
  setTimeout?: (callback: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

/** The host's setTimeout/clearTimeout, or undefined where it has none. */
export function hostTimers(): Timers | undefined {
  const host = globalThis as HostGlobals;
  if (!host.setTimeout || !host.clearTimeout) return undefined;
  return {
    setTimeout: (callback, ms) => host.setTimeout!(callback, ms),
    clearTimeout: (handle) => host.clearTimeout!(handle),
  };
}

/** The environment from the host's globals, with any part replaced by `overrides`. */
export function resolveEnvironment(overrides: Partial<Environment> = {}): Environment {
  const host = globalThis as HostGlobals;
  const fetch =
    overrides.fetch ??
    (host.fetch
      ? (url: string, init: RequestInitLike) => host.fetch!(url, init) // an unbound fetch throws in browsers
      : undefined);
  if (fetch === undefined) throw new TypeError('kvs-session-broker/client: no global fetch here: pass one');
  const timers = overrides.timers ?? hostTimers();
  if (timers === undefined)
    throw new TypeError('kvs-session-broker/client: no global timers here: pass them');
  return { fetch, timers, now: overrides.now ?? Date.now, random: overrides.random ?? Math.random };
}

/** Resolves after `ms` on the given timers. */
export function sleep(timers: Timers, ms: number): Promise<void> {
  return new Promise((resolve) => timers.setTimeout(resolve, ms));
}
