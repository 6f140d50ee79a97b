// The emulated media side of KVS playback sessions: what the emulator needs to wire it in.
export {
  createMediaHook,
  MediaError,
  type MediaHook,
  type MediaHookOptions,
  type OutgoingBytesMetric,
} from './hook';
export { loadFixture, DEFAULT_FIXTURE_DIR, type MediaFixture, type MediaDescription } from './fixture';
export { defaultMaxFragmentResults, type MediaSession } from './session';
export { sessionFragments, type SessionFragments, type FragmentSpan } from './timeline';
export { Resource, DASH_PATH_PREFIX, HLS_PATH_PREFIX } from './resources';
export { createArchiveMedia, loadFrames } from './archive';
export { buildClip, readFragmentSamples, type ClipFile, type FragmentSamples } from './clip';
