// The KVS side of WebRTC viewers: DescribeSignalingChannel and GetSignalingChannelEndpoint (role VIEWER, WSS and
// HTTPS), cached per channel with one call in flight (single flight) like GetDataEndpoint, GetIceServerConfig on
// the channel's HTTPS endpoint, and the signed ConnectAsViewer URL (signaling-url.ts). Quotas (KVS WebRTC developer
// guide, "Amazon Kinesis Video Streams with WebRTC service quotas"): DescribeSignalingChannel 300 TPS per account
// and 5 TPS per channel, GetSignalingChannelEndpoint 300 TPS per account, GetIceServerConfig 5 TPS per channel
// (TURN credentials are per viewer, so it is not cached); throttling is retried until the deadline with jitter.
import {
  DescribeSignalingChannelCommand,
  GetSignalingChannelEndpointCommand,
  KinesisVideoClient,
} from '@aws-sdk/client-kinesis-video';
import {
  GetIceServerConfigCommand,
  KinesisVideoSignalingClient,
} from '@aws-sdk/client-kinesis-video-signaling';
import { KVS_BUDGET_MS } from '../core/config-rules';
import { BrokerError } from '../core/errors';
import { sdkClientConfig, type KvsAdapterOptions, type KvsCallOptions } from './adapter';
import { DATA_ENDPOINT_THROTTLE_BACKOFF, withRetries, type RetryContext } from './retry';
import { signViewerUrl } from './signaling-url';

export interface ChannelEndpoints {
  channelArn: string;
  wss: string;
  https: string;
}

export interface WebrtcViewerRequest {
  channelName: string;
  clientId: string;
  expiresInSeconds: number;
}

export interface WebrtcViewer {
  channelArn: string;
  /** The signed ConnectAsViewer URL: never log or store it. */
  signalingUrl: string;
  iceServers: { Uris?: string[]; Username?: string; Password?: string }[];
  /** KVS's STUN server for the region (the KVS WebRTC JS SDK's examples add it); none against an emulator. */
  stunUrl?: string;
}

export interface WebrtcAdapter {
  viewer(request: WebrtcViewerRequest, options?: KvsCallOptions): Promise<WebrtcViewer>;
}

const INVALIDATING = new Set([
  'ResourceNotFoundException',
  'NotAuthorizedException',
  'AccessDeniedException',
]);

/** Channel ARN and viewer endpoints, per channel name, for `ttlMs`; concurrent misses share one lookup. */
class ChannelCache {
  private readonly cache = new Map<string, { value: ChannelEndpoints; expiresAtMs: number }>();
  private readonly inFlight = new Map<string, Promise<ChannelEndpoints>>();

  constructor(
    private readonly control: KinesisVideoClient,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  get(channelName: string, retry: RetryContext): Promise<ChannelEndpoints> {
    const cached = this.cache.get(channelName);
    if (cached && cached.expiresAtMs > this.now()) return Promise.resolve(cached.value);
    let pending = this.inFlight.get(channelName);
    if (!pending) {
      pending = this.fetch(channelName, retry).finally(() => this.inFlight.delete(channelName));
      this.inFlight.set(channelName, pending);
    }
    return pending;
  }

  forget(channelName: string): void {
    this.cache.delete(channelName);
  }

  private async fetch(channelName: string, retry: RetryContext): Promise<ChannelEndpoints> {
    const ctx = { ...retry, throttleBackoff: DATA_ENDPOINT_THROTTLE_BACKOFF };
    const described = await withRetries(ctx, (abortSignal) =>
      this.control.send(new DescribeSignalingChannelCommand({ ChannelName: channelName }), { abortSignal }),
    );
    const channelArn = described.ChannelInfo?.ChannelARN;
    if (!channelArn) throw new BrokerError('UPSTREAM_ERROR', 'Kinesis Video Streams returned no channel ARN');
    const endpoints = await withRetries(ctx, (abortSignal) =>
      this.control.send(
        new GetSignalingChannelEndpointCommand({
          ChannelARN: channelArn,
          SingleMasterChannelEndpointConfiguration: { Protocols: ['WSS', 'HTTPS'], Role: 'VIEWER' },
        }),
        { abortSignal },
      ),
    );
    const of = (protocol: string) =>
      endpoints.ResourceEndpointList?.find((e) => e.Protocol === protocol)?.ResourceEndpoint;
    const wss = of('WSS');
    const https = of('HTTPS');
    if (!wss || !https)
      throw new BrokerError('UPSTREAM_ERROR', 'Kinesis Video Streams returned no signaling endpoint');
    const value = { channelArn, wss, https };
    this.cache.set(channelName, { value, expiresAtMs: this.now() + this.ttlMs });
    return value;
  }
}

/** One signaling client per HTTPS endpoint, reused across requests. */
function signalingClients(clientConfig: ReturnType<typeof sdkClientConfig>) {
  const clients = new Map<string, KinesisVideoSignalingClient>();
  return (endpoint: string) => {
    let client = clients.get(endpoint);
    // Stryker disable next-line ConditionalExpression: a new client per call sends through the same requestHandler (sdkClientConfig's one NodeHttpHandler and its sockets), so the calls and answers are the same; the map only saves the allocation.
    if (!client)
      clients.set(endpoint, (client = new KinesisVideoSignalingClient({ ...clientConfig, endpoint })));
    return client;
  };
}

export function createWebrtcAdapter(options: KvsAdapterOptions): WebrtcAdapter {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const clientConfig = sdkClientConfig(options);
  const control = new KinesisVideoClient({
    ...clientConfig,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  const channels = new ChannelCache(control, options.dataEndpointTtlMs, now);
  const signalingClient = signalingClients(clientConfig);
  return {
    async viewer(request, call) {
      const retry: RetryContext = {
        now,
        sleep,
        random: options.random ?? Math.random,
        maxAttempts: options.maxAttempts,
        deadlineMs: call?.deadlineMs ?? now() + (options.budgetMs ?? KVS_BUDGET_MS),
      };
      const channel = await channels.get(request.channelName, retry);
      const ice = await withRetries(
        retry,
        (abortSignal) =>
          signalingClient(channel.https).send(
            new GetIceServerConfigCommand({
              ChannelARN: channel.channelArn,
              ClientId: request.clientId,
              Service: 'TURN',
            }),
            { abortSignal },
          ),
        (name) => {
          if (INVALIDATING.has(name)) channels.forget(request.channelName);
        },
      );
      const signalingUrl = await signViewerUrl({
        endpoint: channel.wss,
        channelArn: channel.channelArn,
        clientId: request.clientId,
        region: options.region,
        // The client's resolved provider: the role's credentials in Lambda, refreshed by the SDK before they expire.
        credentials: control.config.credentials,
        expiresInSeconds: request.expiresInSeconds,
        signingDate: new Date(now()),
      });
      return {
        channelArn: channel.channelArn,
        signalingUrl,
        iceServers: ice.IceServerList ?? [],
        ...(options.endpoint
          ? {}
          : { stunUrl: `stun:stun.kinesisvideo.${options.region}.amazonaws.com:443` }),
      };
    },
  };
}
