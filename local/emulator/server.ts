// The emulator's HTTP server: options, state (streams, quotas, stats) and lifecycle; dispatch.ts answers requests.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ArchiveMedia } from './archive';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChannelRegistry, type Channel, type ChannelConfig } from './channels';
import type { EmulatorCredentials } from './connect-check';
import { createDispatcher } from './dispatch';
import type { MediaHook } from './media-gate';
import type { OperationContext } from './operations';
import { Quotas } from './quotas';
import {
  StatsRecorder,
  type KvsEmulatorStats,
  type OutgoingBytesMetric,
  type OutgoingBytesSample,
} from './stats';
import { SignalingService, type MasterFactory } from './signaling';
import { StreamRegistry, type Stream, type StreamConfig } from './streams';
import type { JsonObject } from './validation';

/** The credentials local mode signs with: the emulator verifies signed signaling URLs against them. */
export const EMULATOR_CREDENTIALS: EmulatorCredentials = {
  accessKeyId: 'AKIDLOCALEMULATOR',
  secretAccessKey: 'local-emulator',
};

export interface KvsEmulatorOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (an ephemeral port; read it from `KvsEmulator.port`) */
  port?: number;
  streams: StreamConfig[];
  /** Signaling channels (KVS with WebRTC). @default none */
  channels?: ChannelConfig[];
  /** Whose signatures a ConnectAsViewer URL must carry. @default EMULATOR_CREDENTIALS */
  credentials?: EmulatorCredentials;
  /** Starts each channel's master when its first viewer connects. Without it, viewers' messages go nowhere. */
  master?: MasterFactory;
  /** Throttle with ClientLimitExceededException at KVS's documented TPS quotas. @default true */
  enforceQuotas?: boolean;
  /** Clock in epoch ms for quotas, session issue/expiry and media time windows. @default Date.now */
  now?: () => number;
  /** Key that signs session tokens. @default 32 random bytes */
  secret?: Uint8Array;
  /** @default 'us-east-1' */
  region?: string;
  /** @default '123456789012' */
  accountId?: string;
  /** Serves /dash/v1/ and /hls/v1/ requests whose SessionToken checked out. Without it they get a 501. */
  media?: MediaHook;
  /** What ListFragments, GetImages and GetClip answer from. @default none: 1 s fragments listed, no images or clips */
  archive?: ArchiveMedia;
  /** One structured line per request (never the session token). @default no logging */
  log?: (line: object) => void;
  /**
   * How a stream's `latencyMs` is waited out; the signal aborts when the emulator closes. Tests pass a gate they
   * open themselves, so latency costs no real time. @default node:timers/promises setTimeout
   */
  delay?: LatencyDelay;
  /**
   * Rewrites an API operation's JSON answer before it is sent. The emulator fills every member of its answers; KVS's
   * API reference marks most of them optional ("Required: No", e.g. Fragment.ServerTimestamp, Image.TimeStamp), so a
   * test leaves some out to see a caller cope. @default answers as they are
   */
  answer?: AnswerRewrite;
}

/** Gets the operation name (e.g. ListFragments) and the answer the emulator made; returns the one to send. */
export type AnswerRewrite = (operation: string, output: JsonObject) => JsonObject;

export type LatencyDelay = (ms: number, signal: AbortSignal) => Promise<unknown>;

export interface KvsEmulator {
  /** Base URL for the SDK clients' `endpoint`, e.g. `http://127.0.0.1:41234`; also the DataEndpoint returned. */
  readonly endpoint: string;
  readonly port: number;
  readonly secret: Uint8Array;
  readonly region: string;
  readonly accountId: string;
  close(): Promise<void>;
  /** Adds a stream, or replaces the one of the same name (its quota buckets are kept). */
  putStream(config: StreamConfig): void;
  deleteStream(name: string): boolean;
  getStream(name: string): Stream | undefined;
  streamArn(name: string): string | undefined;
  /** A signaling channel, with its ARN. */
  channel(name: string): Channel | undefined;
  stats(): KvsEmulatorStats;
  /** Media bytes per minute, stream and metric, stamped by the emulator's clock (local CloudWatch reads these). */
  outgoingBytesSeries(): OutgoingBytesSample[];
  /** For the media hook: meter bytes served for a stream under a KVS metric name. */
  recordOutgoingBytes(stream: string, bytes: number, metric: OutgoingBytesMetric): void;
}

const OPTION_KEYS = new Set([
  'host',
  'port',
  'streams',
  'channels',
  'credentials',
  'master',
  'enforceQuotas',
  'now',
  'secret',
  'region',
  'accountId',
  'media',
  'archive',
  'log',
  'delay',
  'answer',
]);
function checkOptions(options: KvsEmulatorOptions): void {
  const unknown = Object.keys(options).filter((k) => !OPTION_KEYS.has(k));
  if (unknown.length > 0) throw new TypeError(`startKvsEmulator: unknown option(s) ${unknown.join(', ')}`);
  if (!Array.isArray(options.streams)) throw new TypeError('startKvsEmulator: streams must be an array');
  const names = options.streams.map((s) => s.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw new TypeError(`startKvsEmulator: stream ${duplicate} is listed twice`);
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** A failing logger must not take requests down with it. */
function neverThrowing(log: ((line: object) => void) | undefined): (line: object) => void {
  return (line) => {
    try {
      log?.(line);
    } catch {
      // ignored on purpose
    }
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function registries(options: KvsEmulatorOptions, account: { region: string; accountId: string }) {
  const registry = new StreamRegistry(account);
  for (const config of options.streams) registry.put(config);
  const channels = new ChannelRegistry(account);
  const channelList = (options.channels ?? []).map((config) => channels.put(config));
  return { registry, channels, channelList };
}

/** The channels' WebSockets, served on the emulator's own port (its `upgrade` requests). */
function signalingService(
  options: KvsEmulatorOptions,
  state: { channels: ChannelRegistry; region: string; now: () => number; quotas: Quotas | undefined },
): SignalingService {
  return new SignalingService({
    channels: state.channels,
    credentials: options.credentials ?? EMULATOR_CREDENTIALS,
    region: state.region,
    now: state.now,
    ...(options.master ? { master: options.master } : {}),
    ...(state.quotas ? { quotas: state.quotas } : {}),
    log: neverThrowing(options.log),
  });
}

/** The options with their defaults applied. */
function resolved(options: KvsEmulatorOptions) {
  checkOptions(options);
  return {
    host: options.host ?? '127.0.0.1',
    now: options.now ?? Date.now,
    secret: options.secret ?? new Uint8Array(randomBytes(32)),
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '123456789012',
    enforceQuotas: options.enforceQuotas ?? true,
  };
}

export async function startKvsEmulator(options: KvsEmulatorOptions): Promise<KvsEmulator> {
  const { host, now, secret, region, accountId, enforceQuotas } = resolved(options);
  const { registry, channels, channelList } = registries(options, { region, accountId });
  const quotas = enforceQuotas ? new Quotas(now) : undefined;
  const stats = new StatsRecorder(now);
  const closing = new AbortController();
  let endpoint = '';

  const context = (): OperationContext => ({
    registry,
    channels,
    endpoint,
    secret,
    now,
    archive: options.archive,
    quotas,
    stats,
  });
  const server = createServer(
    createDispatcher({
      registry,
      quotas,
      stats,
      region,
      secret,
      now,
      media: options.media,
      closing: closing.signal,
      delay: options.delay ?? ((ms, signal) => sleep(ms, undefined, { signal })),
      log: neverThrowing(options.log),
      context,
      answer: options.answer,
    }),
  );

  const signaling = signalingService(options, { channels, region, now, quotas });
  server.on('upgrade', (req, socket, head) => signaling.handleUpgrade(req, socket, head));

  const port = await listen(server, options.port ?? 0, host);
  endpoint = `http://${urlHost(host)}:${port}`;

  return {
    endpoint,
    port,
    secret,
    region,
    accountId,
    close: async () => {
      closing.abort();
      signaling.close();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
    putStream: (config) => void registry.put(config),
    deleteStream: (name) => registry.delete(name),
    getStream: (name) => registry.get(name),
    streamArn: (name) => registry.arnOf(name),
    channel: (name) => channelList.find((c) => c.name === name),
    stats: () => stats.snapshot(),
    outgoingBytesSeries: () => stats.outgoingBytesSeries(),
    recordOutgoingBytes: (stream, bytes, metric) => stats.outgoingBytes(stream, bytes, metric),
  };
}
