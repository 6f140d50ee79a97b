// Each signaling channel's WebSocket: ConnectAsViewer checked as KVS checks it (connect-check.ts), then SDP offers,
// answers and ICE candidates relayed between the viewers and the channel's (emulated) master in KVS's message
// format (KVS WebRTC developer guide, "SendSdpOffer", "SendIceCandidate", "Asynchronous message reception"):
// a client sends `{ action, messagePayload, recipientClientId?, correlationId? }` (payload: base64 of the JSON SDP or
// candidate, at most 10K); it receives `{ messageType, messagePayload, senderClientId? }`, or a STATUS_RESPONSE
// for a failed message that named a correlationId.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MASTER_ENDPOINT_PATH, type Channel } from './channels';
import { checkViewerConnect, ConnectRefused, type ConnectCheckDeps } from './connect-check';
import { throttled, type Quotas } from './quotas';

export const SIGNALING_ACTIONS = ['SDP_OFFER', 'SDP_ANSWER', 'ICE_CANDIDATE'] as const;
export type SignalingAction = (typeof SIGNALING_ACTIONS)[number];
/** messagePayload's length limit (SendSdpOffer, SendSdpAnswer, SendIceCandidate: 10K). */
export const MAX_PAYLOAD_CHARS = 10_000;
/** Viewer connections per channel (KVS WebRTC service quotas, ConnectAsViewer: 10, soft). */
export const MAX_VIEWERS_PER_CHANNEL = 10;

/** A message as the master receives it from a viewer. */
export interface ToMaster {
  messageType: SignalingAction;
  messagePayload: string;
  senderClientId: string;
}

/** A message as the master sends it: always to one viewer. */
export interface FromMaster {
  action: SignalingAction;
  recipientClientId: string;
  messagePayload: string;
}

export interface EmulatedMaster {
  receive(message: ToMaster): void;
  /** The viewer's WebSocket closed (or was replaced by a newer connection with its client id). */
  viewerLeft(clientId: string): void;
  close(): void;
}

/** Starts the master of a channel, given the way to reach its viewers. */
export type MasterFactory = (channel: Channel, send: (message: FromMaster) => void) => EmulatedMaster;

export interface SignalingDeps extends ConnectCheckDeps {
  master?: MasterFactory;
  quotas?: Quotas;
  log: (line: object) => void;
}

interface ChannelState {
  viewers: Map<string, WebSocket>;
  master?: EmulatedMaster;
}

function refuse(socket: Duplex, refused: ConnectRefused): void {
  const body = JSON.stringify({ message: refused.message });
  socket.end(
    `HTTP/1.1 ${refused.status} ${refused.status === 403 ? 'Forbidden' : 'Bad Request'}\r\n` +
      `Content-Type: application/json\r\nx-amzn-ErrorType: ${refused.type}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function statusResponse(ws: WebSocket, correlationId: unknown, description: string): void {
  if (typeof correlationId !== 'string' || !/^[a-zA-Z0-9_.-]{1,256}$/.test(correlationId)) return;
  ws.send(
    JSON.stringify({
      messageType: 'STATUS_RESPONSE',
      statusResponse: {
        correlationId,
        errorType: 'InvalidArgumentException',
        statusCode: '400',
        description,
      },
    }),
  );
}

/** A viewer's message, or the reason it is refused. */
export function readViewerMessage(raw: string): { action: SignalingAction; messagePayload: string } | string {
  let message: unknown;
  try {
    message = JSON.parse(raw);
  } catch {
    return 'The message is not JSON';
  }
  const { action, messagePayload } = (message ?? {}) as Record<string, unknown>;
  if (!(SIGNALING_ACTIONS as readonly unknown[]).includes(action)) return `Unknown action ${String(action)}`;
  if (
    typeof messagePayload !== 'string' ||
    messagePayload.length < 1 ||
    messagePayload.length > MAX_PAYLOAD_CHARS
  ) {
    return `messagePayload must be 1..${MAX_PAYLOAD_CHARS} characters of base64`;
  }
  return { action: action as SignalingAction, messagePayload };
}

export class SignalingService {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly channels = new Map<string, ChannelState>();

  constructor(private readonly deps: SignalingDeps) {}

  /** The server's `upgrade` listener. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const target = URL.parse(req.url ?? '/', 'ws://emulator');
    const host = req.headers.host ?? '';
    const checked = !target
      ? Promise.reject(new ConnectRefused(400, 'InvalidArgumentException', 'Malformed request target'))
      : target.pathname === MASTER_ENDPOINT_PATH
        ? Promise.reject(
            new ConnectRefused(403, 'AccessDeniedException', "ConnectAsViewer on a MASTER role's endpoint"),
          )
        : checkViewerConnect(this.deps, target, host);
    checked
      .then(({ channel, clientId }) => {
        const decision = this.deps.quotas?.tryAcquire('ConnectAsViewer', channel.name);
        if (decision && !decision.ok) {
          const error = throttled('ConnectAsViewer', decision, channel.name);
          throw new ConnectRefused(400, 'ClientLimitExceededException', error.message);
        }
        const state = this.state(channel);
        if (!state.viewers.has(clientId) && state.viewers.size >= MAX_VIEWERS_PER_CHANNEL) {
          throw new ConnectRefused(400, 'ClientLimitExceededException', 'Too many viewers on this channel');
        }
        this.wss.handleUpgrade(req, socket, head, (ws) => this.join(channel, clientId, ws));
      })
      .catch((error: unknown) => {
        const refused =
          error instanceof ConnectRefused
            ? error
            : new ConnectRefused(500, 'InternalFailure', 'Emulator failure');
        // Never the request target: its query carries the signature (and, under a role, a session token).
        this.deps.log({ operation: 'ConnectAsViewer', status: refused.status, errorType: refused.type });
        refuse(socket, refused);
      });
  }

  close(): void {
    for (const state of this.channels.values()) {
      state.master?.close();
      for (const ws of state.viewers.values()) ws.terminate();
    }
    this.channels.clear();
    this.wss.close();
  }

  private state(channel: Channel): ChannelState {
    let state = this.channels.get(channel.arn);
    if (!state) {
      state = { viewers: new Map() };
      this.channels.set(channel.arn, state);
    }
    if (!state.master && this.deps.master) {
      const viewers = state.viewers;
      state.master = this.deps.master(channel, (message) => {
        viewers
          .get(message.recipientClientId)
          ?.send(JSON.stringify({ messageType: message.action, messagePayload: message.messagePayload }));
      });
    }
    return state;
  }

  /** "If there is an existing connection with the same ClientId, the new connection takes precedence." */
  private join(channel: Channel, clientId: string, ws: WebSocket): void {
    const state = this.state(channel);
    const earlier = state.viewers.get(clientId);
    state.viewers.set(clientId, ws);
    if (earlier) {
      earlier.close(1000, 'Replaced by a newer connection with the same client id');
      state.master?.viewerLeft(clientId);
    }
    this.deps.log({ operation: 'ConnectAsViewer', status: 101, channel: channel.name });
    ws.on('message', (data) => {
      const read = readViewerMessage(String(data));
      if (typeof read === 'string') {
        statusResponse(ws, (safeJson(String(data)) as { correlationId?: unknown }).correlationId, read);
        return;
      }
      // A viewer's recipientClientId is ignored: a viewer only ever reaches the master (SendSdpOffer).
      state.master?.receive({
        messageType: read.action,
        messagePayload: read.messagePayload,
        senderClientId: clientId,
      });
    });
    ws.on('close', () => {
      if (state.viewers.get(clientId) !== ws) return;
      state.viewers.delete(clientId);
      state.master?.viewerLeft(clientId);
    });
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw) ?? {};
  } catch {
    return {};
  }
}
