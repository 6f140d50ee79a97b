// The broker's REST API as calls: createSession (POST /v1/streams/{streamName}/sessions), sessions (POST
// /v1/sessions, a grid), listStreams (GET /v1/streams) and the archive routes (archive.ts), with typed errors and
// THROTTLED retries. Depends on nothing but a fetch.
import { archiveCalls, type ArchiveCalls } from './archive';
import { BrokerClientError, errorFromResponse } from './errors';
import { localStorageViewerIdStore, viewerIdSource, type ViewerIdStore } from './viewer-id';
import { retryDefaults, withThrottleRetries, type RetryNotice, type RetryOptions } from './retry';
import {
  resolveEnvironment,
  type Environment,
  type GridSessionRequest,
  type ResponseLike,
  type Session,
  type SessionFailure,
  type SessionRequest,
  type StreamListing,
} from './types';
import { isWebrtcViewerAnswer, type WebrtcViewerAnswer } from './webrtc';

/** The caller's JWT: a string, or a function asked before every request (so a refreshed token is used). */
export type TokenSource = string | (() => string | Promise<string>);

export interface BrokerClientOptions {
  /** The API's base URL: the stage URL deployed, `http://127.0.0.1:3000` locally, '' for the page's origin. */
  baseUrl: string;
  token: TokenSource;
  retry?: RetryOptions;
  /** Told before each THROTTLED retry (e.g. to show "busy, retrying in 1 s"). */
  onRetry?: (notice: RetryNotice) => void;
  /** Host services; each defaults to the global one. */
  env?: Partial<Environment>;
  /**
   * The device's viewerId, sent with every session (docs/api.md, Seats): a fixed id, a store that keeps a
   * generated one between runs, or false to send none. A request's own viewerId wins.
   * @default localStorage in browsers, else an id kept for this client's life
   */
  viewerId?: string | ViewerIdStore | false;
}

export interface CallOptions {
  /** Aborts the request (an AbortSignal; passed to fetch as is). */
  signal?: unknown;
}

export interface ListStreamsOptions extends CallOptions {
  /** 1..1000. @default 100 (the broker's) */
  limit?: number;
  nextToken?: string;
}

/** Sessions one grid request may ask for (docs/api.md). */
export const MAX_GRID_SESSIONS = 16;

export interface BrokerClient extends ArchiveCalls {
  createSession(streamName: string, request?: SessionRequest, options?: CallOptions): Promise<Session>;
  /**
   * Up to 16 sessions in one request (a camera grid), answered in the same order: each a Session, or a
   * SessionFailure for an entry the broker refused (see isSessionFailure). A bad body throws, as one session does.
   */
  sessions(
    requests: readonly GridSessionRequest[],
    options?: CallOptions,
  ): Promise<(Session | SessionFailure)[]>;
  listStreams(options?: ListStreamsOptions): Promise<StreamListing>;
  /**
   * A WebRTC viewer's signed connection to the stream's signaling channel (grant mode WEBRTC). Sends the device's
   * viewerId, which takes a seat like a session.
   */
  webrtc(
    streamName: string,
    request?: { clientId?: string; viewerId?: string },
    options?: CallOptions,
  ): Promise<WebrtcViewerAnswer>;
}

const PLAYBACK_MODES = ['LIVE', 'LIVE_REPLAY', 'ON_DEMAND'];

function isSession(body: unknown): body is Session {
  const s = body as Partial<Session> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.url === 'string' &&
    (s.protocol === 'DASH' || s.protocol === 'HLS') &&
    typeof s.streamName === 'string' &&
    PLAYBACK_MODES.includes(s.playbackMode as string) &&
    typeof s.expiresAt === 'string' &&
    !Number.isNaN(Date.parse(s.expiresAt))
  );
}

/** Whether a grid entry is a refusal rather than a session. */
export function isSessionFailure(entry: Session | SessionFailure): entry is SessionFailure {
  return 'error' in entry;
}

function isFailure(body: unknown): body is SessionFailure {
  const f = body as Partial<SessionFailure> | null;
  return (
    typeof f === 'object' &&
    f !== null &&
    typeof f.streamName === 'string' &&
    typeof f.error?.code === 'string' &&
    typeof f.error.message === 'string'
  );
}

function isGrid(body: unknown, count: number): body is { sessions: (Session | SessionFailure)[] } {
  const sessions = (body as { sessions?: unknown } | null)?.sessions;
  return (
    Array.isArray(sessions) &&
    sessions.length === count &&
    sessions.every((e) => isSession(e) || isFailure(e))
  );
}

function noAnswer(method: string, path: string, cause: unknown): BrokerClientError {
  return new BrokerClientError('NETWORK_ERROR', `${method} ${path}: no answer from the broker`, { cause });
}

function isListing(body: unknown): body is StreamListing {
  const l = body as Partial<StreamListing> | null;
  return typeof l === 'object' && l !== null && Array.isArray(l.streams);
}

// eslint-disable-next-line max-lines-per-function -- a factory: its request, retry and two calls close over one set of options; each inner function is short
export function createBrokerClient(options: BrokerClientOptions): BrokerClient {
  const env = resolveEnvironment(options.env);
  const retry = retryDefaults(options.retry);
  const base = options.baseUrl.replace(/\/+$/, '');
  const viewer =
    options.viewerId === false
      ? undefined
      : typeof options.viewerId === 'string'
        ? () => Promise.resolve(options.viewerId as string)
        : viewerIdSource(options.viewerId ?? localStorageViewerIdStore(), env.random);
  /** A session body with the device's viewerId, unless it names its own. */
  const withViewer = async <T extends { viewerId?: string }>(body: T): Promise<T> =>
    viewer && body.viewerId === undefined ? { ...body, viewerId: await viewer() } : body;

  async function authorization(): Promise<string> {
    const token = typeof options.token === 'function' ? await options.token() : options.token;
    return `Bearer ${token}`;
  }

  /** One HTTP attempt: the 2xx response with its body unread, or a BrokerClientError. */
  async function send(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    call: CallOptions,
    accept = 'application/json',
  ): Promise<ResponseLike> {
    const headers: Record<string, string> = { Authorization: await authorization(), Accept: accept };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await env.fetch(`${base}${path}`, {
        method,
        headers,
        redirect: 'manual',
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...(call.signal !== undefined ? { signal: call.signal } : {}),
      });
    } catch (error) {
      throw noAnswer(method, path, error);
    }
    if (res.status === 0 || (res.status >= 300 && res.status <= 399)) {
      // Not followed: the token goes to the broker's own URL only (SECURITY.md, "The typed client").
      throw new BrokerClientError(
        'UNEXPECTED_RESPONSE',
        `${method} ${path}: the answer is a redirect (HTTP ${res.status}); not followed, so the token stays with the broker`,
        { status: res.status },
      );
    }
    if (res.status < 200 || res.status > 299) {
      const text = await res.text().catch((error: unknown) => {
        throw noAnswer(method, path, error);
      });
      throw errorFromResponse(res.status, text, res.headers.get('Retry-After'), env.now());
    }
    return res;
  }

  /** One HTTP attempt: the parsed JSON of a 2xx, or a BrokerClientError. */
  async function once(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    call: CallOptions,
  ): Promise<unknown> {
    const res = await send(method, path, body, call);
    const text = await res.text().catch((error: unknown) => {
      throw noAnswer(method, path, error);
    });
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new BrokerClientError('UNEXPECTED_RESPONSE', `HTTP ${res.status}: the body is not JSON`, {
        status: res.status,
      });
    }
  }

  const request = (method: 'GET' | 'POST', path: string, body: unknown, call: CallOptions) =>
    withThrottleRetries(env, retry, () => once(method, path, body, call), options.onRetry);

  return {
    ...archiveCalls({
      getJson: (path, signal) => request('GET', path, undefined, { signal }),
      getRaw: (path, accept, signal) =>
        withThrottleRetries(
          env,
          retry,
          () => send('GET', path, undefined, { signal }, accept),
          options.onRetry,
        ),
    }),
    async createSession(streamName, body = {}, call = {}) {
      const answer = await request(
        'POST',
        `/v1/streams/${encodeURIComponent(streamName)}/sessions`,
        await withViewer(body),
        call,
      );
      if (!isSession(answer)) {
        throw new BrokerClientError(
          'UNEXPECTED_RESPONSE',
          'the session answer lacks url, protocol or expiresAt',
        );
      }
      return answer;
    },
    async sessions(requests, call = {}) {
      const sessions = await Promise.all(requests.map(withViewer));
      const answer = await request('POST', '/v1/sessions', { sessions }, call);
      if (!isGrid(answer, requests.length)) {
        throw new BrokerClientError(
          'UNEXPECTED_RESPONSE',
          'the grid answer lacks an entry per session asked',
        );
      }
      return answer.sessions;
    },
    async webrtc(streamName, body = {}, call = {}) {
      const answer = await request(
        'POST',
        `/v1/streams/${encodeURIComponent(streamName)}/webrtc`,
        await withViewer(body),
        call,
      );
      if (!isWebrtcViewerAnswer(answer))
        throw new BrokerClientError(
          'UNEXPECTED_RESPONSE',
          'the WebRTC answer lacks signalingUrl or channelArn',
        );
      return answer;
    },
    async listStreams(call = {}) {
      const query = [
        call.limit !== undefined ? `limit=${encodeURIComponent(String(call.limit))}` : undefined,
        call.nextToken !== undefined ? `nextToken=${encodeURIComponent(call.nextToken)}` : undefined,
      ].filter((q) => q !== undefined);
      const answer = await request(
        'GET',
        `/v1/streams${query.length ? `?${query.join('&')}` : ''}`,
        undefined,
        call,
      );
      if (!isListing(answer)) throw new BrokerClientError('UNEXPECTED_RESPONSE', 'the listing lacks streams');
      return answer;
    },
  };
}
