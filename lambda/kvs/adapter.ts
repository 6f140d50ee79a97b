// The KVS adapter: SDK clients, the data-endpoint cache (single flight), timeouts, retries and one deadline per
// request. Failures leave as BrokerErrors.
import {
  GetDataEndpointCommand,
  KinesisVideoClient,
  ListStreamsCommand,
  type APIName,
} from '@aws-sdk/client-kinesis-video';
import { KinesisVideoArchivedMediaClient } from '@aws-sdk/client-kinesis-video-archived-media';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { KVS_BUDGET_MS } from '../core/config-rules';
import { BrokerError } from '../core/errors';
import type { SessionRequest } from '../core/request';
import { DATA_ENDPOINT_THROTTLE_BACKOFF, withRetries, type Backoff, type RetryContext } from './retry';
import { SESSION_URL_APIS } from './session-url';

export interface KvsAdapterOptions {
  region: string;
  /** Control-plane endpoint override (the local emulator); the data endpoint always comes from GetDataEndpoint. */
  endpoint?: string;
  /** @default the SDK's default provider chain (the Lambda role) */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Per-attempt timeout of each KVS call (connection and response). */
  timeoutMs: number;
  /** Attempts per call for transient failures (5xx, timeouts, resets) and KVS ClientLimitExceededException. */
  maxAttempts: number;
  /** How long a GetDataEndpoint answer is reused, per stream and API name. */
  dataEndpointTtlMs: number;
  /**
   * Time all the KVS calls of one request may take, waits included, unless the call names its own deadline.
   * @default KVS_BUDGET_MS (25 s, inside API Gateway's 29 s integration timeout)
   */
  budgetMs?: number;
  /** @default Date.now */
  now?: () => number;
  /** @default setTimeout-based sleep; tests pass a fake */
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1), for backoff jitter. @default Math.random */
  random?: () => number;
}

export interface StreamPage {
  streamNames: string[];
  nextToken?: string;
}

export interface KvsCallOptions {
  /** Absolute deadline (epoch ms, the adapter's clock) for this call and its retries. @default now + budgetMs */
  deadlineMs?: number;
}

export interface KvsAdapter {
  /** A playback session URL. The URL carries a session token: callers must never log or store it. */
  getStreamingSessionUrl(
    request: SessionRequest,
    expiresInSeconds: number,
    options?: KvsCallOptions,
  ): Promise<string>;
  /** One page of stream names starting with `prefix` (all streams when empty). */
  listStreams(
    prefix: string,
    nextToken?: string,
    options?: KvsCallOptions & { maxResults?: number },
  ): Promise<StreamPage>;
}

/** Data-plane answers after which the cached endpoint may be stale (stream recreated, moved). */
export const INVALIDATING = new Set(['ResourceNotFoundException', 'NotAuthorizedException']);

export function sdkClientConfig(options: KvsAdapterOptions) {
  return {
    region: options.region,
    // Retries are ours (retry.ts), so that every attempt and wait of a request fits one deadline.
    maxAttempts: 1,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: options.timeoutMs,
      requestTimeout: options.timeoutMs,
      // Without it a breached requestTimeout is only a warning (smithy keeps the old socket-idle meaning otherwise).
      throwOnRequestTimeout: true,
    }),
  };
}

/** GetDataEndpoint answers, cached per stream and API name; concurrent misses share one call (single flight). */
export class DataEndpoints {
  private readonly cache = new Map<string, { url: string; expiresAtMs: number }>();
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    private readonly control: KinesisVideoClient,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  get(streamName: string, apiName: APIName, retry: RetryContext): Promise<string> {
    const key = `${apiName}\u0000${streamName}`;
    const cached = this.cache.get(key);
    if (cached && cached.expiresAtMs > this.now()) return Promise.resolve(cached.url);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.fetch(key, streamName, apiName, retry).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  forget(streamName: string, apiName: APIName): void {
    this.cache.delete(`${apiName}\u0000${streamName}`);
  }

  private async fetch(
    key: string,
    streamName: string,
    apiName: APIName,
    retry: RetryContext,
  ): Promise<string> {
    const out = await withRetries(
      { ...retry, throttleBackoff: DATA_ENDPOINT_THROTTLE_BACKOFF },
      (abortSignal) =>
        this.control.send(new GetDataEndpointCommand({ StreamName: streamName, APIName: apiName }), {
          abortSignal,
        }),
    );
    if (!out.DataEndpoint)
      throw new BrokerError('UPSTREAM_ERROR', 'Kinesis Video Streams returned no data endpoint');
    this.cache.set(key, { url: out.DataEndpoint, expiresAtMs: this.now() + this.ttlMs });
    return out.DataEndpoint;
  }
}

/** One archived-media client per data endpoint, reused across requests. */
function mediaClients(
  clientConfig: ReturnType<typeof sdkClientConfig>,
): (url: string) => KinesisVideoArchivedMediaClient {
  const clients = new Map<string, KinesisVideoArchivedMediaClient>();
  return (url) => {
    let client = clients.get(url);
    if (!client) {
      client = new KinesisVideoArchivedMediaClient({ ...clientConfig, endpoint: url });
      clients.set(url, client);
    }
    return client;
  };
}

/** What every KVS call of a Lambda shares: the SDK clients, the data-endpoint cache and the retry policy. */
export interface KvsClients {
  readonly control: KinesisVideoClient;
  readonly endpoints: DataEndpoints;
  readonly mediaClient: (url: string) => KinesisVideoArchivedMediaClient;
  readonly now: () => number;
  retryContext(call?: KvsCallOptions, throttleBackoff?: Backoff): RetryContext;
}

export function createKvsClients(options: KvsAdapterOptions): KvsClients {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const budgetMs = options.budgetMs ?? KVS_BUDGET_MS;
  const clientConfig = sdkClientConfig(options);
  const control = new KinesisVideoClient({
    ...clientConfig,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  return {
    control,
    endpoints: new DataEndpoints(control, options.dataEndpointTtlMs, now),
    mediaClient: mediaClients(clientConfig),
    now,
    retryContext: (call, throttleBackoff) => ({
      now,
      sleep,
      random,
      maxAttempts: options.maxAttempts,
      deadlineMs: call?.deadlineMs ?? now() + budgetMs,
      ...(throttleBackoff ? { throttleBackoff } : {}),
    }),
  };
}

/** The session-URL and listing calls. Pass `clients` to share the data-endpoint cache with the archive calls. */
export function createKvsAdapter(
  options: KvsAdapterOptions,
  clients: KvsClients = createKvsClients(options),
): KvsAdapter {
  const { control, endpoints, mediaClient, retryContext } = clients;
  return {
    async getStreamingSessionUrl(request, expires, call) {
      const api = SESSION_URL_APIS[request.protocol];
      const retry = retryContext(call);
      const client = mediaClient(await endpoints.get(request.streamName, api.apiName, retry));
      const url = await withRetries(
        retry,
        (abortSignal) => api.send(client, request, expires, abortSignal),
        (exceptionName) => {
          if (INVALIDATING.has(exceptionName)) endpoints.forget(request.streamName, api.apiName);
        },
      );
      if (!url) throw new BrokerError('UPSTREAM_ERROR', 'Kinesis Video Streams returned no session URL');
      return url;
    },
    async listStreams(prefix, nextToken, call) {
      const command = new ListStreamsCommand({
        MaxResults: call?.maxResults,
        NextToken: nextToken,
        ...(prefix
          ? { StreamNameCondition: { ComparisonOperator: 'BEGINS_WITH', ComparisonValue: prefix } }
          : {}),
      });
      const out = await withRetries(retryContext(call), (abortSignal) =>
        control.send(command, { abortSignal }),
      );
      // Stryker disable next-line ArrayDeclaration: any stand-in list of strings gives no names either (a string has no StreamName).
      const listed = out.StreamInfoList ?? [];
      return {
        streamNames: listed.flatMap((s) => (s.StreamName ? [s.StreamName] : [])),
        ...(out.NextToken ? { nextToken: out.NextToken } : {}),
      };
    },
  };
}
