// The KVS adapter: SDK clients, the data-endpoint cache, timeouts and retries. Failures leave as BrokerErrors.
import {
  KinesisVideoClient,
  GetDataEndpointCommand,
  ListStreamsCommand,
  type APIName,
} from '@aws-sdk/client-kinesis-video';
import {
  KinesisVideoArchivedMediaClient,
  GetDASHStreamingSessionURLCommand,
  GetHLSStreamingSessionURLCommand,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { BrokerError, fromKvsFailure } from '../core/errors';
import type { SessionRequest } from '../core/request';

export interface KvsAdapterOptions {
  region: string;
  /** Control-plane endpoint override (the local emulator); the data endpoint always comes from GetDataEndpoint. */
  endpoint?: string;
  /** @default the SDK's default provider chain (the Lambda role) */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Per-attempt timeout of each KVS call (connection and response). */
  timeoutMs: number;
  /** Attempts per call, for the SDK's transient errors and for KVS ClientLimitExceededException. */
  maxAttempts: number;
  /** How long a GetDataEndpoint answer is reused, per stream and API name. */
  dataEndpointTtlMs: number;
  /** @default Date.now */
  now?: () => number;
  /** @default setTimeout-based sleep; tests pass a fake */
  sleep?: (ms: number) => Promise<void>;
}

export interface StreamPage {
  streamNames: string[];
  nextToken?: string;
}

export interface KvsAdapter {
  /** A playback session URL. The URL carries a session token: callers must never log or store it. */
  getStreamingSessionUrl(request: SessionRequest, expiresInSeconds: number): Promise<string>;
  /** One page of stream names starting with `prefix` (all streams when empty). */
  listStreams(prefix: string, nextToken?: string, maxResults?: number): Promise<StreamPage>;
}

const DATA_API: Record<SessionRequest['protocol'], APIName> = {
  DASH: 'GET_DASH_STREAMING_SESSION_URL',
  HLS: 'GET_HLS_STREAMING_SESSION_URL',
};

const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'AbortError']);
/** Data-plane answers after which the cached endpoint may be stale (stream recreated, moved). */
const INVALIDATING = new Set(['ResourceNotFoundException', 'NotAuthorizedException']);

function describeFailure(error: unknown): { name: string; message?: string; timedOut: boolean } {
  const e = error as { name?: string; message?: string; code?: string };
  const name = e?.name ?? 'Error';
  return { name, message: e?.message, timedOut: TIMEOUT_NAMES.has(name) || e?.code === 'ETIMEDOUT' };
}

function fragmentSelector(request: SessionRequest) {
  return {
    FragmentSelectorType: request.fragmentSelectorType,
    ...(request.startMs !== undefined
      ? {
          TimestampRange: {
            StartTimestamp: new Date(request.startMs),
            ...(request.endMs !== undefined ? { EndTimestamp: new Date(request.endMs) } : {}),
          },
        }
      : {}),
  };
}

export function createKvsAdapter(options: KvsAdapterOptions): KvsAdapter {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const clientConfig = {
    region: options.region,
    maxAttempts: options.maxAttempts,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: options.timeoutMs,
      requestTimeout: options.timeoutMs,
      // Without it a breached requestTimeout is only a warning (smithy keeps the old socket-idle meaning otherwise).
      throwOnRequestTimeout: true,
    }),
  };
  const control = new KinesisVideoClient({
    ...clientConfig,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  const endpoints = new Map<string, { url: string; expiresAtMs: number }>();
  const media = new Map<string, KinesisVideoArchivedMediaClient>();

  /** Runs a KVS call, retrying KVS's own throttle (which the SDK does not classify as retryable) with backoff. */
  async function call<T>(run: () => Promise<T>, onFailure?: (exceptionName: string) => void): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await run();
      } catch (error) {
        const failure = describeFailure(error);
        if (failure.name === 'ClientLimitExceededException' && attempt < options.maxAttempts) {
          await sleep(100 * 2 ** (attempt - 1) + Math.floor(Math.random() * 100));
          continue;
        }
        onFailure?.(failure.name);
        throw fromKvsFailure(failure);
      }
    }
  }

  async function dataEndpoint(streamName: string, apiName: APIName): Promise<string> {
    const key = `${apiName}\u0000${streamName}`;
    const cached = endpoints.get(key);
    if (cached && cached.expiresAtMs > now()) return cached.url;
    const out = await call(() =>
      control.send(new GetDataEndpointCommand({ StreamName: streamName, APIName: apiName })),
    );
    if (!out.DataEndpoint)
      throw new BrokerError('UPSTREAM_ERROR', 'Kinesis Video Streams returned no data endpoint');
    endpoints.set(key, { url: out.DataEndpoint, expiresAtMs: now() + options.dataEndpointTtlMs });
    return out.DataEndpoint;
  }

  function mediaClient(url: string): KinesisVideoArchivedMediaClient {
    let client = media.get(url);
    if (!client) {
      client = new KinesisVideoArchivedMediaClient({ ...clientConfig, endpoint: url });
      media.set(url, client);
    }
    return client;
  }

  async function sessionUrl(request: SessionRequest, expires: number): Promise<string> {
    const apiName = DATA_API[request.protocol];
    const client = mediaClient(await dataEndpoint(request.streamName, apiName));
    const forgetEndpoint = (exceptionName: string) => {
      if (INVALIDATING.has(exceptionName)) endpoints.delete(`${apiName}\u0000${request.streamName}`);
    };
    if (request.protocol === 'DASH') {
      const out = await call(
        () =>
          client.send(
            new GetDASHStreamingSessionURLCommand({
              StreamName: request.streamName,
              PlaybackMode: request.playbackMode,
              DisplayFragmentTimestamp: request.displayFragmentTimestamp,
              DisplayFragmentNumber: request.displayFragmentNumber,
              DASHFragmentSelector: fragmentSelector(request),
              Expires: expires,
              MaxManifestFragmentResults: request.maxFragmentResults,
            }),
          ),
        forgetEndpoint,
      );
      if (out.DASHStreamingSessionURL) return out.DASHStreamingSessionURL;
    } else {
      const out = await call(
        () =>
          client.send(
            new GetHLSStreamingSessionURLCommand({
              StreamName: request.streamName,
              PlaybackMode: request.playbackMode,
              HLSFragmentSelector: fragmentSelector(request),
              ContainerFormat: request.containerFormat,
              DiscontinuityMode: request.discontinuityMode,
              DisplayFragmentTimestamp: request.displayFragmentTimestamp,
              Expires: expires,
              MaxMediaPlaylistFragmentResults: request.maxFragmentResults,
            }),
          ),
        forgetEndpoint,
      );
      if (out.HLSStreamingSessionURL) return out.HLSStreamingSessionURL;
    }
    throw new BrokerError('UPSTREAM_ERROR', 'Kinesis Video Streams returned no session URL');
  }

  return {
    getStreamingSessionUrl: sessionUrl,
    async listStreams(prefix, nextToken, maxResults) {
      const out = await call(() =>
        control.send(
          new ListStreamsCommand({
            MaxResults: maxResults,
            NextToken: nextToken,
            ...(prefix
              ? { StreamNameCondition: { ComparisonOperator: 'BEGINS_WITH', ComparisonValue: prefix } }
              : {}),
          }),
        ),
      );
      return {
        streamNames: (out.StreamInfoList ?? []).flatMap((s) => (s.StreamName ? [s.StreamName] : [])),
        ...(out.NextToken ? { nextToken: out.NextToken } : {}),
      };
    },
  };
}
