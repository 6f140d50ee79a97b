// POST /v1/streams/{streamName}/webrtc: request rules -> config `webrtc` -> grant decision (mode WEBRTC) -> KVS
// signaling (channel, endpoints, ICE servers, signed ConnectAsViewer URL) -> the viewer's connection, audited and
// counted like a session. The signed URL is in the answer only: never in a log line.
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { BrokerConfig } from '../core/config';
import { BrokerError } from '../core/errors';
import { isServed } from '../core/grants';
import { SESSION_AUDIT } from '../core/telemetry';
import {
  channelNameFor,
  decideWebrtc,
  defaultClientId,
  iceServersOf,
  parseWebrtcRequest,
  type WebrtcAnswer,
  type WebrtcRequest,
} from '../core/webrtc';
import { countSession } from './metrics';
import type { Decision, RouteAudit, TokenRoute } from './pipeline';
import { underSessionChecks } from './sessions';

/** One `kvs-session` line (protocol and mode WEBRTC) and one SessionsIssued or SessionsDenied per decision. */
export const WEBRTC_DECISIONS: RouteAudit = {
  kind: SESSION_AUDIT,
  message: 'webrtc decision',
  count(metrics: Metrics, config: BrokerConfig, decision: Decision, streamName?: string) {
    if (decision.error) countSession(metrics, config, { errorCode: decision.error.code });
    else if (streamName) countSession(metrics, config, { streamName });
  },
};

const DENIED: Record<string, (stream: string) => string> = {
  STREAM_NOT_SERVED: (s) => `This broker does not serve stream ${s}`,
  NO_GRANT_FOR_STREAM: (s) => `Your token grants no access to stream ${s}`,
  MODE_NOT_GRANTED: (s) => `Your token does not grant WEBRTC on stream ${s}`,
  OUTSIDE_WINDOW: (s) => `Your token's grant on stream ${s} does not cover now`,
};
const forbidden = (reason: string, stream: string) =>
  new BrokerError('FORBIDDEN', DENIED[reason]!(stream), { detail: reason });

export const createWebrtcViewer: TokenRoute<WebrtcRequest> = {
  auth: 'jwt',
  audit: WEBRTC_DECISIONS,
  parse: ({ path, body }) => parseWebrtcRequest(path.streamName, body),
  describe: () => ({ protocol: 'WEBRTC', playbackMode: 'WEBRTC' }),
  async handle({ input, caller, nowMs, requestId, deps }) {
    const { config, webrtc } = deps;
    // Not configured: as if the route did not exist, whatever the token (docs/configuration.md, webrtc).
    if (!config.webrtc || !webrtc) throw new BrokerError('NOT_FOUND', 'WebRTC viewing is not configured');
    if (!isServed(config.streams, input.streamName)) throw forbidden('STREAM_NOT_SERVED', input.streamName);
    const decision = decideWebrtc(caller.grants, input.streamName, nowMs, caller.expMs);
    if (!decision.allowed) throw forbidden(decision.reason, input.streamName);
    const clientId = input.clientId ?? defaultClientId(caller.issuer, caller.sub, requestId);
    // A WebRTC viewer takes a seat like an HLS or DASH session (docs/api.md, Seats), before KVS is asked.
    const channelName = channelNameFor(config.webrtc.channelName, input.streamName);
    const viewer = await underSessionChecks(
      deps.sessionChecks,
      caller,
      { request: input, expiresAtMs: decision.expiresAtMs, nowMs, requestId },
      () => webrtc.viewer({ channelName, clientId, expiresInSeconds: decision.expiresInSeconds }),
    );
    const answer: WebrtcAnswer = {
      protocol: 'WEBRTC',
      streamName: input.streamName,
      channelArn: viewer.channelArn,
      clientId,
      signalingUrl: viewer.signalingUrl,
      iceServers: iceServersOf(viewer.iceServers, viewer.stunUrl),
      expiresAt: new Date(decision.expiresAtMs).toISOString(),
      expiresInSeconds: decision.expiresInSeconds,
    };
    return { body: { json: answer }, audit: { expiresAtMs: decision.expiresAtMs } };
  },
};
