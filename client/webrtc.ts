// WebRTC viewers: the broker's answer to POST /v1/streams/{streamName}/webrtc, and a browser helper that connects a
// viewer from it with the KVS WebRTC JS SDK's SignalingClient (amazon-kinesis-video-streams-webrtc), passed in by
// the app so this package depends on nothing: the SDK signs nothing, it is handed the broker's signed URL.

export interface WebrtcViewerAnswer {
  protocol: 'WEBRTC';
  streamName: string;
  channelArn: string;
  clientId: string;
  /** The signed ConnectAsViewer URL: a credential until expiresAt. Never log or store it. */
  signalingUrl: string;
  iceServers: { urls: string[]; username?: string; credential?: string }[];
  expiresAt: string;
  expiresInSeconds: number;
}

export function isWebrtcViewerAnswer(body: unknown): body is WebrtcViewerAnswer {
  const a = body as Partial<WebrtcViewerAnswer> | null;
  return (
    typeof a === 'object' &&
    a !== null &&
    a.protocol === 'WEBRTC' &&
    typeof a.signalingUrl === 'string' &&
    typeof a.channelArn === 'string' &&
    typeof a.clientId === 'string' &&
    Array.isArray(a.iceServers)
  );
}

/** What the helper uses of the KVS WebRTC JS SDK: its SignalingClient class and Role enum. */
export interface KvsWebrtcSdk {
  SignalingClient: new (config: Record<string, unknown>) => SignalingClientLike;
  Role: { VIEWER: string };
}

export interface SignalingClientLike {
  on(event: string, listener: (...args: never[]) => void): unknown;
  open(): void;
  close(): void;
  sendSdpOffer(offer: unknown): void;
  sendIceCandidate(candidate: unknown): void;
}

/** The subset of RTCPeerConnection the helper drives (a browser's, or any compatible one). */
export interface PeerConnectionLike {
  createOffer(): Promise<unknown>;
  setLocalDescription(description?: unknown): Promise<void>;
  setRemoteDescription(description: unknown): Promise<void>;
  addIceCandidate(candidate: unknown): Promise<void>;
  readonly localDescription: unknown;
  addEventListener(type: 'icecandidate', listener: (event: { candidate: unknown }) => void): void;
}

export interface ViewerConnection {
  signaling: SignalingClientLike;
  close(): void;
}

/**
 * Connects a viewer: opens the signaling WebSocket with the broker's signed URL (the SDK's `requestSigner` hook),
 * sends the peer connection's offer and trickles its ICE candidates, applies the master's answer and candidates.
 * The caller makes the RTCPeerConnection with `answer.iceServers` and adds its transceivers (video `recvonly`;
 * audio `sendrecv` for two-way talk) before calling this.
 */
export function connectWebrtcViewer(
  sdk: KvsWebrtcSdk,
  answer: WebrtcViewerAnswer,
  pc: PeerConnectionLike,
  onError: (error: unknown) => void = () => undefined,
): ViewerConnection {
  const region = /^arn:[^:]+:kinesisvideo:([^:]+):/.exec(answer.channelArn)?.[1] ?? 'us-east-1';
  const signaling = new sdk.SignalingClient({
    channelARN: answer.channelArn,
    channelEndpoint: answer.signalingUrl.split('?')[0],
    clientId: answer.clientId,
    role: sdk.Role.VIEWER,
    region,
    requestSigner: { getSignedURL: () => Promise.resolve(answer.signalingUrl) },
  });
  pc.addEventListener('icecandidate', ({ candidate }) => {
    if (candidate) signaling.sendIceCandidate(candidate);
  });
  signaling.on('open', () => {
    void (async () => {
      await pc.setLocalDescription(await pc.createOffer());
      signaling.sendSdpOffer(pc.localDescription);
    })().catch(onError);
  });
  signaling.on('sdpAnswer', (description: never) => void pc.setRemoteDescription(description).catch(onError));
  signaling.on('iceCandidate', (candidate: never) => void pc.addIceCandidate(candidate).catch(onError));
  signaling.on('error', onError);
  signaling.open();
  return { signaling, close: () => signaling.close() };
}
