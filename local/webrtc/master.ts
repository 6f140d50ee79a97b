// The emulated master of a signaling channel (what a camera running the KVS WebRTC SDK does): answers each viewer's
// SDP offer on werift (a WebRTC stack in Node), trickles its ICE candidates, sends the media fixture as H.264 at
// its frame rate (RFC 6184 packetization: werift's H264Packetizer, single NAL unit, STAP-A and FU-A), and
// receives what a viewer may send back (audio, for two-way talk), counting its packets.
import {
  H264Packetizer,
  MediaStreamTrack,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  type RTCIceCandidate,
} from 'werift';
import type { EmulatedMaster, FromMaster, MasterFactory, ToMaster } from '../emulator/signaling';
import { loadFixture, type MediaFixture } from '../media/fixture';
import { h264Track, type H264Track } from './access-units';

const H264_PAYLOAD_TYPE = 96;
/** Constrained baseline, packetization-mode 1 (the fixture is avc1.42c01e: level-asymmetry-allowed covers 3.0). */
const H264 = new RTCRtpCodecParameters({
  mimeType: 'video/H264',
  clockRate: 90_000,
  payloadType: H264_PAYLOAD_TYPE,
  rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'goog-remb' }],
  parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
});
const OPUS = new RTCRtpCodecParameters({
  mimeType: 'audio/opus',
  clockRate: 48_000,
  channels: 2,
  payloadType: 111,
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const unb64 = (payload: string): unknown => JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));

export interface MasterStats {
  /** Viewers whose peer connection reached `connected`. */
  connected: number;
  /** Video frames sent, over all viewers. */
  framesSent: number;
  /** RTP packets received from viewers (their audio). */
  audioPacketsReceived: number;
}

export interface FixtureMasterOptions {
  fixture?: MediaFixture;
  /** Extra host addresses for ICE (loopback is not gathered by default). @default ['127.0.0.1'] */
  hostAddresses?: string[];
  /** Stats of every master this factory starts. */
  stats?: MasterStats;
}

/** Sends the track's access units in a loop at their own pace, from the first keyframe. */
function startSending(track: H264Track, media: MediaStreamTrack, stats: MasterStats): () => void {
  const packetizer = new H264Packetizer({
    payloadType: H264_PAYLOAD_TYPE,
    naluLengthSize: track.naluLengthSize,
    inputFormat: 'length-prefixed',
    parameterSets: [...track.parameterSets],
  });
  const started = performance.now();
  let index = 0;
  let ticks = 0;
  let timer: NodeJS.Timeout | undefined;
  const next = () => {
    const unit = track.units[index % track.units.length]!;
    for (const packet of packetizer.packetize(unit.data, ticks % 2 ** 32, { isKeyframe: unit.keyframe }))
      media.writeRtp(packet);
    stats.framesSent += 1;
    ticks += Math.round((unit.duration * 90_000) / track.timescale);
    index += 1;
    // Paced against the start, so timer drift does not accumulate.
    const due = started + (ticks / 90_000) * 1000 - performance.now();
    timer = setTimeout(next, Math.max(0, due));
  };
  next();
  return () => clearTimeout(timer);
}

interface Viewer {
  pc: RTCPeerConnection;
  stop?: () => void;
}

function answerOffer(
  viewers: Map<string, Viewer>,
  message: ToMaster,
  send: (message: FromMaster) => void,
  deps: { track: H264Track; hostAddresses: string[]; stats: MasterStats },
): void {
  viewers.get(message.senderClientId)?.pc.close();
  const pc = new RTCPeerConnection({
    codecs: { video: [H264], audio: [OPUS] },
    // One transport for all m-lines, as browsers offer it (werift's default, max-compat, leaves sockets open).
    bundlePolicy: 'max-bundle',
    iceAdditionalHostAddresses: deps.hostAddresses,
  });
  const viewer: Viewer = { pc };
  viewers.set(message.senderClientId, viewer);
  const to = message.senderClientId;
  const media = new MediaStreamTrack({ kind: 'video' });
  pc.onTrack.subscribe((track) => track.onReceiveRtp.subscribe(() => (deps.stats.audioPacketsReceived += 1)));
  pc.onIceCandidate.subscribe((candidate?: RTCIceCandidate) => {
    if (candidate)
      send({ action: 'ICE_CANDIDATE', recipientClientId: to, messagePayload: b64(candidate.toJSON()) });
  });
  pc.connectionStateChange.subscribe((state) => {
    if (state === 'connected' && !viewer.stop) {
      deps.stats.connected += 1;
      viewer.stop = startSending(deps.track, media, deps.stats);
    }
    if (state === 'failed' || state === 'closed') viewer.stop?.();
  });
  void (async () => {
    await pc.setRemoteDescription(unb64(message.messagePayload) as { type: 'offer'; sdp: string });
    // The viewer's offer decides the m-lines: video is sent on the first, audio (if offered) received.
    const transceivers = pc.getTransceivers();
    const video = transceivers.find((t) => t.kind === 'video');
    if (!video) throw new Error('the offer has no video');
    video.setDirection('sendonly');
    await video.sender.replaceTrack(media);
    for (const t of transceivers.filter((t) => t.kind === 'audio')) t.setDirection('recvonly');
    await pc.setLocalDescription(await pc.createAnswer());
    const sdp = pc.localDescription?.sdp;
    send({ action: 'SDP_ANSWER', recipientClientId: to, messagePayload: b64({ type: 'answer', sdp }) });
  })().catch(() => pc.close());
}

/**
 * A browser hides its host addresses behind mDNS names (`<uuid>.local`). werift would resolve each by multicast DNS
 * and, where nothing answers, hold the viewer's answer up to 10 s; the master skips them instead: the viewer's
 * connectivity checks reach the master's own candidates, and the master learns the viewer's address from them
 * (a peer-reflexive candidate, RFC 8445 section 7.3.1.3).
 */
function isMdnsCandidate(candidate: RTCIceCandidate | null): boolean {
  return / [0-9a-f-]+\.local /i.test(candidate?.candidate ?? '');
}

/** A MasterFactory for the emulator: one fixture-sending master per channel. */
export function fixtureMaster(options: FixtureMasterOptions = {}): MasterFactory {
  const fixture = options.fixture ?? loadFixture();
  const track = h264Track(fixture);
  const stats = options.stats ?? { connected: 0, framesSent: 0, audioPacketsReceived: 0 };
  const hostAddresses = options.hostAddresses ?? ['127.0.0.1'];
  return (_channel, send): EmulatedMaster => {
    const viewers = new Map<string, Viewer>();
    const drop = (clientId: string) => {
      const viewer = viewers.get(clientId);
      viewer?.stop?.();
      void viewer?.pc.close();
      viewers.delete(clientId);
    };
    return {
      receive(message) {
        if (message.messageType === 'SDP_OFFER')
          answerOffer(viewers, message, send, { track, hostAddresses, stats });
        else if (message.messageType === 'ICE_CANDIDATE') {
          const pc = viewers.get(message.senderClientId)?.pc;
          const candidate = unb64(message.messagePayload) as RTCIceCandidate;
          if (isMdnsCandidate(candidate)) return;
          void pc?.addIceCandidate(candidate).catch(() => undefined);
        }
      },
      viewerLeft: drop,
      close: () => [...viewers.keys()].forEach(drop),
    };
  };
}
