// Signaling channels (KVS with WebRTC): their ARNs, lookup by name or ARN, and the control-plane operations that
// describe them, name their endpoints and hand out ICE servers, in the shapes of the SDK's service models
// (@aws-sdk/client-kinesis-video DescribeSignalingChannel and GetSignalingChannelEndpoint,
// @aws-sdk/client-kinesis-video-signaling GetIceServerConfig).
import { createHash, randomBytes } from 'node:crypto';
import { KvsError } from './errors';
import type { Account } from './streams';
import { Violations, readObject, readString, type JsonObject } from './validation';

/**
 * Answers a channel can be told to give, to exercise a caller's checks. Each is an answer KVS's API model allows:
 * every member of DescribeSignalingChannel's, GetSignalingChannelEndpoint's and GetIceServerConfig's output is
 * optional (KVS API reference, "DescribeSignalingChannel", "GetSignalingChannelEndpoint", "GetIceServerConfig":
 * "Required: No"), and ResourceEndpointList is a list with no stated order.
 * - NoChannelInfo: DescribeSignalingChannel answers `{}`.
 * - NoResourceEndpointList: GetSignalingChannelEndpoint answers `{}`.
 * - NoWSSEndpoint / NoHTTPSEndpoint: its list leaves that protocol's endpoint out.
 * - EndpointsReversed: its list in the reverse of the order asked.
 * - NoIceServerList: GetIceServerConfig answers `{}`.
 */
export type ChannelFault =
  | 'NoChannelInfo'
  | 'NoResourceEndpointList'
  | 'NoWSSEndpoint'
  | 'NoHTTPSEndpoint'
  | 'EndpointsReversed'
  | 'NoIceServerList';
const CHANNEL_FAULTS: readonly ChannelFault[] = [
  'NoChannelInfo',
  'NoResourceEndpointList',
  'NoWSSEndpoint',
  'NoHTTPSEndpoint',
  'EndpointsReversed',
  'NoIceServerList',
];

export interface ChannelConfig {
  /** Channel name: 1..256 of [a-zA-Z0-9_.-]. */
  name: string;
  /** Creation time in ms; also the last part of the ARN. @default 1700000000000 */
  creationTime?: number;
  /** Answer this channel's control-plane calls this way (see ChannelFault). @default none */
  fault?: ChannelFault;
  /**
   * Delay before answering any API call about this channel (DescribeSignalingChannel, GetSignalingChannelEndpoint,
   * GetIceServerConfig), waited out by the emulator's `delay`, to trigger a caller's deadline. @default 0
   */
  latencyMs?: number;
}

export interface Channel {
  readonly name: string;
  readonly creationTime: number;
  readonly arn: string;
  readonly fault: ChannelFault | undefined;
  readonly latencyMs: number;
}

/** ConnectAsViewer's X-Amz-ChannelARN pattern (KVS WebRTC developer guide, "ConnectAsViewer"). */
const CHANNEL_ARN = /^arn:aws:kinesisvideo:([a-z0-9-]+):([0-9]+):channel\/([a-zA-Z0-9_.-]+)\/([0-9]+)$/;
const CHANNEL_NAME = /^[a-zA-Z0-9_.-]{1,256}$/;
/** How long emulated TURN credentials last (GetIceServerConfig's Ttl, seconds). */
export const ICE_SERVER_TTL_SECONDS = 300;

export class ChannelRegistry {
  private readonly byName = new Map<string, Channel>();

  constructor(readonly account: Account) {}

  put(config: ChannelConfig): Channel {
    if (!CHANNEL_NAME.test(config.name)) {
      throw new TypeError(`channel config: name must be 1..256 of [a-zA-Z0-9_.-], got ${config.name}`);
    }
    if (config.fault !== undefined && !CHANNEL_FAULTS.includes(config.fault)) {
      throw new TypeError(`channel ${config.name}: fault must be one of ${CHANNEL_FAULTS.join(', ')}`);
    }
    const latencyMs = config.latencyMs ?? 0;
    if (!Number.isFinite(latencyMs) || latencyMs < 0)
      throw new TypeError(`channel ${config.name}: latencyMs must be >= 0`);
    const creationTime = config.creationTime ?? 1_700_000_000_000;
    const { region, accountId } = this.account;
    const arn = `arn:aws:kinesisvideo:${region}:${accountId}:channel/${config.name}/${creationTime}`;
    const channel = { name: config.name, creationTime, arn, fault: config.fault, latencyMs };
    this.byName.set(config.name, channel);
    return channel;
  }

  byArn(arn: string): Channel | undefined {
    const m = CHANNEL_ARN.exec(arn);
    const channel = m ? this.byName.get(m[3]!) : undefined;
    return channel?.arn === arn ? channel : undefined;
  }

  /** By ChannelName or ChannelARN, as DescribeSignalingChannel takes either; undefined when unknown. */
  find(ref: { channelName?: string; channelArn?: string }): Channel | undefined {
    return ref.channelArn !== undefined ? this.byArn(ref.channelArn) : this.byName.get(ref.channelName ?? '');
  }

  /** Like `find`, or fails as KVS does for an unknown channel. */
  resolve(ref: { channelName?: string; channelArn?: string }): Channel {
    const channel = this.find(ref);
    if (channel === undefined) {
      throw new KvsError(
        'ResourceNotFoundException',
        `The requested channel ${ref.channelArn ?? ref.channelName} was not found.`,
      );
    }
    return channel;
  }
}

export interface ChannelRef {
  channelName?: string;
  channelArn?: string;
}

export function parseDescribeSignalingChannel(body: JsonObject): ChannelRef {
  const channelName = readString(body, 'ChannelName');
  const channelArn = readString(body, 'ChannelARN');
  if ((channelName === undefined) === (channelArn === undefined)) {
    throw new KvsError(
      'InvalidArgumentException',
      'Exactly one of ChannelName or ChannelARN must be specified.',
    );
  }
  return { channelName, channelArn };
}

export function describeSignalingChannel(channel: Channel): JsonObject {
  if (channel.fault === 'NoChannelInfo') return {};
  return {
    ChannelInfo: {
      ChannelName: channel.name,
      ChannelARN: channel.arn,
      ChannelType: 'SINGLE_MASTER',
      ChannelStatus: 'ACTIVE',
      // restJson1 timestamps are epoch seconds.
      CreationTime: channel.creationTime / 1000,
      SingleMasterConfiguration: { MessageTtlSeconds: 60 },
      Version: createHash('sha256').update(channel.arn).digest('hex').slice(0, 20),
    },
  };
}

export interface EndpointRequest {
  channelArn: string;
  protocols: string[];
  role: 'MASTER' | 'VIEWER';
}

/** GetSignalingChannelEndpoint's Protocols: 1..5 items (KVS API reference, "SingleMasterChannelEndpointConfiguration"). */
const MAX_PROTOCOLS = 5;

export function parseGetSignalingChannelEndpoint(body: JsonObject): EndpointRequest {
  const v = new Violations();
  const channelArn = readString(body, 'ChannelARN');
  v.required(channelArn, 'channelARN');
  const config = readObject(body, 'SingleMasterChannelEndpointConfiguration');
  const role = config && readString(config, 'Role');
  v.enumOf(role, 'singleMasterChannelEndpointConfiguration.role', ['MASTER', 'VIEWER'], 'MASTER');
  const rawProtocols = config?.Protocols;
  const protocols = Array.isArray(rawProtocols)
    ? rawProtocols.filter((p) => typeof p === 'string')
    : undefined;
  v.count(protocols, 'singleMasterChannelEndpointConfiguration.protocols', 1, MAX_PROTOCOLS);
  for (const p of protocols ?? [])
    v.enumOf(p, 'singleMasterChannelEndpointConfiguration.protocols', ['WSS', 'HTTPS', 'WEBRTC'], 'WSS');
  v.throwIfAny();
  return {
    channelArn: channelArn!,
    protocols: protocols ?? ['WSS', 'HTTPS'],
    role: role === 'VIEWER' ? 'VIEWER' : 'MASTER',
  };
}

/**
 * The path of a MASTER's WSS endpoint. The role decides what an endpoint may be used for (KVS API reference,
 * "SingleMasterChannelEndpointConfiguration": a VIEWER's endpoint only sends offers to the MASTER, a MASTER's receives
 * them and answers), so the two roles get different endpoints; ConnectAsViewer is refused on a MASTER's, and the
 * emulated master is not reached through it (it runs inside the emulator).
 */
export const MASTER_ENDPOINT_PATH = '/master';

/**
 * Every protocol is served by the emulator itself: the WSS endpoint is its WebSocket (ws:, the emulator has no TLS;
 * the MASTER's under MASTER_ENDPOINT_PATH) and the HTTPS endpoint its HTTP server, where GetIceServerConfig is
 * answered. The channel's fault may leave endpoints out or reverse their order.
 */
export function signalingEndpoints(
  request: EndpointRequest,
  httpEndpoint: string,
  channel: Channel,
): JsonObject {
  if (channel.fault === 'NoResourceEndpointList') return {};
  const ws = httpEndpoint.replace(/^http/, 'ws') + (request.role === 'MASTER' ? MASTER_ENDPOINT_PATH : '');
  const of = (protocol: string) => (protocol === 'WSS' ? ws : httpEndpoint);
  const left = channel.fault === 'NoWSSEndpoint' ? 'WSS' : channel.fault === 'NoHTTPSEndpoint' ? 'HTTPS' : '';
  const list = request.protocols
    .filter((protocol) => protocol !== left)
    .map((protocol) => ({ Protocol: protocol, ResourceEndpoint: of(protocol) }));
  return { ResourceEndpointList: channel.fault === 'EndpointsReversed' ? list.reverse() : list };
}

export function parseGetIceServerConfig(body: JsonObject): { channelArn: string; clientId?: string } {
  const v = new Violations();
  const channelArn = readString(body, 'ChannelARN');
  v.required(channelArn, 'channelARN');
  const clientId = readString(body, 'ClientId');
  v.length(clientId, 'clientId', 1, 256);
  v.pattern(clientId, 'clientId', '[a-zA-Z0-9_.-]+');
  const service = readString(body, 'Service');
  v.enumOf(service, 'service', ['TURN'], 'TURN');
  v.throwIfAny();
  return { channelArn: channelArn!, ...(clientId !== undefined ? { clientId } : {}) };
}

/**
 * One TURN server, as KVS answers (Uris, Username, Password, Ttl). The emulator runs no TURN server: on loopback
 * the peers connect through host candidates, and a TURN URI nobody answers is what a browser tolerates.
 */
export function iceServerConfig(host: string, nowMs: number, channel: Channel): JsonObject {
  if (channel.fault === 'NoIceServerList') return {};
  const expiry = Math.floor(nowMs / 1000) + ICE_SERVER_TTL_SECONDS;
  return {
    IceServerList: [
      {
        Uris: [`turn:${host}:3478?transport=udp`],
        Username: `${expiry}:${randomBytes(8).toString('hex')}`,
        Password: randomBytes(16).toString('base64'),
        Ttl: ICE_SERVER_TTL_SECONDS,
      },
    ],
  };
}
