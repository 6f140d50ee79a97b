// The playback session as the media side sees it: what GetDASH/HLSStreamingSessionURL was asked for.

export type MediaProtocol = 'DASH' | 'HLS';
export type PlaybackMode = 'LIVE' | 'LIVE_REPLAY' | 'ON_DEMAND';
export type FragmentSelectorType = 'SERVER_TIMESTAMP' | 'PRODUCER_TIMESTAMP';
export type DisplayOption = 'ALWAYS' | 'NEVER';
export type ContainerFormat = 'FRAGMENTED_MP4' | 'MPEG_TS';
export type DiscontinuityMode = 'ALWAYS' | 'NEVER' | 'ON_DISCONTINUITY';

/**
 * One emulated streaming session. The emulator builds it from the verified session token and
 * hands it to the media hook; all times are epoch milliseconds.
 */
export interface MediaSession {
  readonly streamName: string;
  readonly protocol: MediaProtocol;
  readonly playbackMode: PlaybackMode;
  readonly fragmentSelectorType: FragmentSelectorType;
  /** When the session URL was issued. LIVE_REPLAY plays forward from here; LIVE serves what it has listed since. */
  readonly issuedAtMs: number;
  /**
   * The oldest media the stream held when the session was issued: max(stream creation, issue time - retention).
   * No fragment starting before it is ever listed or served, whatever the mode. @default no limit
   */
  readonly oldestMs?: number;
  /**
   * The stream's recording schedule when the session was issued (a motion-triggered camera: media only in the
   * first forSeconds of every everySeconds, from the Unix epoch). Fragments in its gaps are never listed or
   * served. @default always recording
   */
  readonly recording?: { readonly everySeconds: number; readonly forSeconds: number };
  /** Required for LIVE_REPLAY and ON_DEMAND (KVS TimestampRange.StartTimestamp, inclusive). */
  readonly startMs?: number;
  /** Required for ON_DEMAND, optional for LIVE_REPLAY (KVS TimestampRange.EndTimestamp, inclusive). */
  readonly endMs?: number;
  readonly displayFragmentTimestamp: DisplayOption;
  /** DASH only. */
  readonly displayFragmentNumber: DisplayOption;
  /** HLS only. */
  readonly containerFormat: ContainerFormat;
  /** HLS only. */
  readonly discontinuityMode: DiscontinuityMode;
  /** MaxManifestFragmentResults (DASH) or MaxMediaPlaylistFragmentResults (HLS). @default per {@link defaultMaxFragmentResults} */
  readonly maxFragmentResults?: number;
  readonly expiresAtMs: number;
}

/**
 * KVS defaults for MaxManifestFragmentResults and MaxMediaPlaylistFragmentResults (same for DASH and HLS):
 * 5 for LIVE and LIVE_REPLAY, 1,000 for ON_DEMAND.
 */
export function defaultMaxFragmentResults(playbackMode: PlaybackMode): number {
  return playbackMode === 'ON_DEMAND' ? 1000 : 5;
}
