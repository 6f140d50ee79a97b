// kvs-session-broker/client: a typed client of the broker's REST API for browsers, React Native and Node, with
// THROTTLED retries, session renewal and player adapters. No dependencies beyond a fetch.
export { createBrokerClient, isSessionFailure, MAX_GRID_SESSIONS } from './client';
export type {
  BrokerClient,
  BrokerClientOptions,
  CallOptions,
  ListStreamsOptions,
  TokenSource,
} from './client';
export type {
  ArchiveCalls,
  ArchiveImage,
  ArchiveRange,
  ClipDownload,
  ClipQuery,
  HostBlob,
  ImagesPage,
  ImagesQuery,
  Instant,
  Timeline,
  TimelineInterval,
  TimelineQuery,
} from './archive';
export { BrokerClientError, BROKER_ERROR_CODES, isBrokerClientError, parseRetryAfter } from './errors';
export type { BrokerClientErrorDetails, BrokerErrorCode, ClientErrorCode } from './errors';
export { retryDelayMs } from './retry';
export { connectWebrtcViewer, isWebrtcViewerAnswer } from './webrtc';
export type {
  KvsWebrtcSdk,
  PeerConnectionLike,
  SignalingClientLike,
  ViewerConnection,
  WebrtcViewerAnswer,
} from './webrtc';
export { localStorageViewerIdStore, newViewerId, VIEWER_ID_KEY } from './viewer-id';
export type { ViewerIdStore } from './viewer-id';
export type { RetryNotice, RetryOptions } from './retry';
export { createSessionRenewal } from './renewal';
export type { SessionRenewal, SessionRenewalOptions } from './renewal';
export { createSessionUrl } from './session-url';
export type { SessionUrl } from './session-url';
export { followDashSessions } from './dash';
export type { DashPlayerLike, RequestLike, SessionLink } from './dash';
export { hlsSessionConfig, renewingLoader } from './hls';
export { createPlaylistContinuity } from './hls-playlist';
export type { PlaylistContinuity } from './hls-playlist';
export type { HlsLike, LoaderCallbacksLike, LoaderClass, LoaderLike } from './hls';
export type {
  ByteStreamLike,
  Environment,
  FetchLike,
  GridSessionRequest,
  PlaybackMode,
  Protocol,
  RequestInitLike,
  ResponseLike,
  Session,
  SessionFailure,
  SessionRequest,
  StreamEntry,
  StreamListing,
  Timers,
} from './types';
