// The emulated master end to end in Node: a viewer on werift signals through the emulator's ConnectAsViewer
// WebSocket with the KVS WebRTC JS SDK's own SignalingClient (role VIEWER, given a signed URL through its
// `requestSigner` hook, as the browser helper does), gets an answer, receives the fixture as H.264 over RTP
// (RFC 6184: FU-A / STAP-A reassembled by werift's depacketizer into decodable access units, keyframe first)
// and sends audio the master receives. WebRTC needs real sockets: the test waits on events, not on timers.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role, SignalingClient } from 'amazon-kinesis-video-streams-webrtc';
import {
  H264RtpPayload,
  MediaStreamTrack,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
} from 'werift';
import { EMULATOR_CREDENTIALS, startKvsEmulator, type KvsEmulator } from '../../../local/emulator/index';
import { fixtureMaster, type MasterStats } from '../../../local/webrtc/master';
import { h264Track } from '../../../local/webrtc/access-units';
import { loadFixture } from '../../../local/media/fixture';
import { signViewerUrl } from '../../../lambda/kvs/signaling-url';

const until = async (check: () => boolean, what: string, limitMs = 15_000) => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('the fixture as H.264 access units', () => {
  it('reads every sample of one loop, 25 fps, a keyframe opening each 1 s fragment, with SPS and PPS', () => {
    const fixture = loadFixture();
    const track = h264Track(fixture);
    expect(track.units).toHaveLength(fixture.mp4Fragments.length * 25);
    expect(track.units.filter((u) => u.keyframe)).toHaveLength(fixture.mp4Fragments.length);
    expect(track.units[0]!.keyframe).toBe(true);
    expect(track.units.every((u) => u.duration === 3600)).toBe(true);
    expect(track.parameterSets.map((p) => p[0]! & 0x1f)).toEqual([7, 8]);
  });
});

describe('emulated master over the signaling WebSocket', () => {
  let emu: KvsEmulator;
  const stats: MasterStats = { connected: 0, framesSent: 0, audioPacketsReceived: 0 };

  beforeAll(async () => {
    emu = await startKvsEmulator({
      streams: [{ name: 'cam-1' }],
      channels: [{ name: 'cam-1' }],
      master: fixtureMaster({ stats }),
    });
  });
  afterAll(() => emu.close());

  it('answers an offer, sends H.264 at the frame rate and receives the viewer audio', async () => {
    const channelARN = emu.channel('cam-1')!.arn;
    const endpoint = emu.endpoint.replace('http', 'ws');
    const url = await signViewerUrl({
      endpoint,
      channelArn: channelARN,
      clientId: 'viewer-node',
      region: emu.region,
      credentials: EMULATOR_CREDENTIALS,
      expiresInSeconds: 300,
      signingDate: new Date(),
    });
    const signaling = new SignalingClient({
      channelARN,
      channelEndpoint: endpoint,
      clientId: 'viewer-node',
      role: Role.VIEWER,
      region: emu.region,
      requestSigner: { getSignedURL: () => Promise.resolve(url) },
    });
    const pc = new RTCPeerConnection({
      codecs: {
        video: [
          new RTCRtpCodecParameters({
            mimeType: 'video/H264',
            clockRate: 90000,
            payloadType: 96,
            parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
          }),
        ],
        audio: [
          new RTCRtpCodecParameters({
            mimeType: 'audio/opus',
            clockRate: 48000,
            channels: 2,
            payloadType: 111,
          }),
        ],
      },
      bundlePolicy: 'max-bundle',
      iceAdditionalHostAddresses: ['127.0.0.1'],
    });
    const mic = new MediaStreamTrack({ kind: 'audio' });
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver(mic, { direction: 'sendonly' });
    const nalTypes: number[] = [];
    let fragment: Buffer | undefined;
    pc.onTrack.subscribe((track) =>
      track.onReceiveRtp.subscribe((rtp) => {
        const payload = H264RtpPayload.deSerialize(rtp.payload, fragment);
        fragment = payload.fragment;
        if (payload.payload.length > 0)
          nalTypes.push(payload.nalUnitType === 24 ? 24 : payload.payload[4]! & 0x1f);
      }),
    );
    const errors: unknown[] = [];
    signaling.on('error', (e: unknown) => errors.push(e));
    let answered = false;
    signaling.on('open', async () => {
      await pc.setLocalDescription(await pc.createOffer());
      signaling.sendSdpOffer(pc.localDescription as unknown as RTCSessionDescription);
    });
    signaling.on('sdpAnswer', async (answer: RTCSessionDescriptionInit) => {
      answered = true;
      await pc.setRemoteDescription(answer as { type: 'answer'; sdp: string });
    });
    signaling.on(
      'iceCandidate',
      (candidate: RTCIceCandidateInit) => void pc.addIceCandidate(candidate as never),
    );
    pc.onIceCandidate.subscribe(
      (c) => c && signaling.sendIceCandidate(c.toJSON() as unknown as RTCIceCandidate),
    );
    signaling.open();
    try {
      await until(() => answered, 'the SDP answer');
      await until(() => nalTypes.length > 30, 'H.264 from the master');
      // The first access unit is decodable: parameter sets, then an IDR slice.
      expect(nalTypes.slice(0, 3)).toEqual(expect.arrayContaining([5]));
      const sent = () =>
        mic.writeRtp(
          new RtpPacket(
            new RtpHeader({ payloadType: 111, timestamp: 0, sequenceNumber: 1 }),
            Buffer.alloc(20),
          ),
        );
      for (let i = 0; i < 5; i++) sent();
      await until(() => stats.audioPacketsReceived > 0, 'the viewer audio at the master');
      expect(stats.connected).toBe(1);
      expect(stats.framesSent).toBeGreaterThan(0);
    } finally {
      signaling.close();
      await pc.close();
    }
  }, 30_000);
});
