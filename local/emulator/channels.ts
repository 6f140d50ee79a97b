// Signaling channels (KVS with WebRTC): their ARNs, lookup by name or ARN, and the control-plane operations that
// describe them, name their endpoints and hand out ICE servers, in the shapes of the SDK's service models
// (@aws-sdk/client-kinesis-video DescribeSignalingChannel and GetSignalingChannelEndpoint,
// @aws-sdk/client-kinesis-video-signaling GetIceServerConfig).
import { createHash, randomBytes } from 'node:crypto';
import { KvsError } from './errors';
import type { Account } from './streams';
import { Violations, readObject, readString, type JsonObject } from './validation';

export interface ChannelConfig {
  /** Channel name: 1..256 of [a-zA-Z0-9_.-]. */
  name: string;
  /** Creation time in ms; also the last part of the ARN. @default 1700000000000 */
  creationTime?: number;
}

export interface Channel {
  readonly name: string;
  readonly creationTime: number;
  readonly arn: string;
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
    const creationTime = config.creationTime ?? 1_700_000_000_000;
    const { region, accountId } = this.account;
    const arn = `arn:aws:kinesisvideo:${region}:${accountId}:channel/${config.name}/${creationTime}`;
    const channel = { name: config.name, creationTime, arn };
    this.byName.set(config.name, channel);
    return channel;
  }

  byArn(arn: string): Channel | undefined {
    const m = CHANNEL_ARN.exec(arn);
    const channel = m ? this.byName.get(m[3]!) : undefined;
    return channel?.arn === arn ? channel : undefined;
  }

  /** By ChannelName or ChannelARN, as DescribeSignalingChannel takes either. */
  resolve(ref: { channelName?: string; channelArn?: string }): Channel {
    const channel =
      ref.channelArn !== undefined ? this.byArn(ref.channelArn) : this.byName.get(ref.channelName ?? '');
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

export function parseGetSignalingChannelEndpoint(body: JsonObject): EndpointRequest {
  const v = new Violations();
  const channelArn = readString(body, 'ChannelARN');
  v.required(channelArn, 'channelARN');
  const config = readObject(body, 'SingleMasterChannelEndpointConfiguration');
  const role = config && readString(config, 'Role');
  v.enumOf(role, 'singleMasterChannelEndpointConfiguration.role', ['MASTER', 'VIEWER'], 'MASTER');
  const rawProtocols = config?.Protocols;
  const protocols = Array.isArray(rawProtocols) ? rawProtocols.filter((p) => typeof p === 'string') : [];
  for (const p of protocols)
    v.enumOf(p, 'singleMasterChannelEndpointConfiguration.protocols', ['WSS', 'HTTPS', 'WEBRTC'], 'WSS');
  v.throwIfAny();
  return {
    channelArn: channelArn!,
    protocols: protocols.length ? protocols : ['WSS', 'HTTPS'],
    role: role === 'VIEWER' ? 'VIEWER' : 'MASTER',
  };
}

/**
 * Every protocol is served by the emulator itself: the WSS endpoint is its WebSocket (ws:, the emulator has no TLS)
 * and the HTTPS endpoint its HTTP server, where GetIceServerConfig is answered.
 */
export function signalingEndpoints(request: EndpointRequest, httpEndpoint: string): JsonObject {
  const ws = httpEndpoint.replace(/^http/, 'ws');
  const of = (protocol: string) => (protocol === 'WSS' ? ws : httpEndpoint);
  return {
    ResourceEndpointList: request.protocols.map((protocol) => ({
      Protocol: protocol,
      ResourceEndpoint: of(protocol),
    })),
  };
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
export function iceServerConfig(host: string, nowMs: number): JsonObject {
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
