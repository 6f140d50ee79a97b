// The route of the WebRTC function (`lambda: 'webrtc'`): POST /v1/streams/{streamName}/webrtc (signaling client,
// SigV4 presigning), which no other route needs.
import { createWebrtcViewer } from '../webrtc';

export function webrtcLambdaRoutes() {
  return { createWebrtcViewer };
}
