// Public surface of the local Kinesis Video Streams emulator.
export {
  EMULATOR_CREDENTIALS,
  startKvsEmulator,
  type KvsEmulator,
  type KvsEmulatorOptions,
  type AnswerRewrite,
  type LatencyDelay,
} from './server';
export type { Channel, ChannelConfig, ChannelFault } from './channels';
export type { EmulatedMaster, FromMaster, MasterFactory, ToMaster } from './signaling';
export type { StreamConfig, Stream, StreamFault, Recording } from './streams';
export { isRecording, type ArchiveMedia, type Clip, type ImageFormat, type ImageOptions } from './archive';
export type { MediaHook } from './media-gate';
export {
  signSessionToken,
  verifySessionToken,
  type SessionClaims,
  type SessionTokenFailure,
  type SessionTokenResult,
  type VerifiedSession,
} from './session-token';
export {
  OUTGOING_BYTES_METRICS,
  type KvsEmulatorStats,
  type OutgoingBytesMetric,
  type OutgoingBytesSample,
} from './stats';
export { KVS_QUOTAS, FRAGMENT_QUOTAS, type KvsOperation } from './quotas';
export type {
  ContainerFormat,
  DiscontinuityMode,
  DisplayOption,
  FragmentSelectorType,
  PlaybackMode,
  Protocol,
} from './playback';
