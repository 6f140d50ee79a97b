// The player page's WebRTC mode: asks the broker for a signed viewer connection (POST /v1/streams/{name}/webrtc),
// opens the channel's signaling WebSocket with the KVS WebRTC JS SDK's SignalingClient handed the broker's signed
// ConnectAsViewer URL (connectWebrtcViewer of kvs-session-broker/client: no AWS credentials reach the page), and
// plays the master's video track. The SDK's own browser build (window.KVSWebRTC) is bundled into the page's script.
// The signed URL is a credential until it expires: the page never shows it.
import 'amazon-kinesis-video-streams-webrtc/dist/kvs-webrtc.min.js';
import {
  connectWebrtcViewer,
  type KvsWebrtcSdk,
  type ViewerConnection,
  type WebrtcViewerAnswer,
} from '../../client';
import type { Playback } from './players';

const sdk = (): KvsWebrtcSdk => (globalThis as unknown as { KVSWebRTC: KvsWebrtcSdk }).KVSWebRTC;

/** What the browser's receiver says about the video (RTCInboundRtpStreamStats). */
interface ReceiverStats {
  framesDecoded: number;
  /** Seconds the jitter buffer held the frames it emitted, on average (jitterBufferDelay / jitterBufferEmittedCount). */
  jitterBufferDelayS?: number;
}

/** The answer as the page shows it: the signed URL without its query (signature, credential scope, expiry). */
export function shownAnswer(answer: WebrtcViewerAnswer): string {
  const [endpoint] = answer.signalingUrl.split('?');
  return JSON.stringify({ ...answer, signalingUrl: `${endpoint}?…signed query hidden…` }, null, 2);
}

const SIGNALING_REFUSED =
  'SIGNALING_ERROR: the signaling channel refused the connection or closed it before the master answered ' +
  '(KVS refuses a signed URL that was altered or has expired)';

async function receiverStats(pc: RTCPeerConnection): Promise<ReceiverStats> {
  const stats: ReceiverStats = { framesDecoded: 0 };
  (await pc.getStats()).forEach((report: Record<string, unknown>) => {
    if (report.type !== 'inbound-rtp' || report.kind !== 'video') return;
    stats.framesDecoded = Number(report.framesDecoded ?? 0);
    const emitted = Number(report.jitterBufferEmittedCount ?? 0);
    if (emitted > 0) stats.jitterBufferDelayS = Number(report.jitterBufferDelay) / emitted;
  });
  return stats;
}

/**
 * Connects a viewer for `answer` and plays the master's video on `video`. `fail` gets `CODE: message` when the
 * signaling channel refuses or drops the connection before media flows, or the peer connection fails.
 */
export function playWebrtc(
  video: HTMLVideoElement,
  answer: WebrtcViewerAnswer,
  fail: (message: string) => void,
): Playback {
  const pc = new RTCPeerConnection({ iceServers: answer.iceServers });
  // The viewer offers to receive video; the master's answer sends it (two-way audio needs the microphone).
  pc.addTransceiver('video', { direction: 'recvonly' });
  let stopped = false;
  let connected = false;
  let jitterBufferDelayS: number | undefined;
  const failOnce = (message: string) => {
    if (stopped) return;
    stop();
    fail(message);
  };
  pc.addEventListener('track', ({ track, streams }) => {
    video.srcObject = streams[0] ?? new MediaStream([track]);
  });
  pc.addEventListener('connectionstatechange', () => {
    if (pc.connectionState === 'connected') connected = true;
    if (pc.connectionState === 'failed') failOnce('WEBRTC_ERROR: the peer connection to the master failed');
  });
  const connection: ViewerConnection = connectWebrtcViewer(sdk(), answer, pc, (error) =>
    // The SDK's message may quote the signed URL: its query (the signature) never reaches the page.
    failOnce(
      error instanceof Error
        ? `WEBRTC_ERROR: ${error.message.replace(/(wss?:\/\/[^\s?"']*)\?[^\s"']*/g, '$1?…hidden…')}`
        : SIGNALING_REFUSED,
    ),
  );
  // The WebSocket may close once media flows (the signed URL only opens it); before that, it is a refusal.
  connection.signaling.on('close', () => connected || failOnce(SIGNALING_REFUSED));
  const poll = setInterval(() => {
    void receiverStats(pc).then((s) => (jitterBufferDelayS = s.jitterBufferDelayS));
  }, 500);
  function stop(): void {
    stopped = true;
    clearInterval(poll);
    connection.close();
    pc.close();
    video.srcObject = null;
  }
  return {
    stop,
    latency: () => jitterBufferDelayS,
    // Never called: a WebRTC connection outlives the signed URL that opened it, so there is nothing to renew.
    update: () => 'reloaded',
  };
}
