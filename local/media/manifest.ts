// What building a DASH manifest or an HLS playlist takes.
import type { MediaDescription } from './fixture';
import type { MediaSession } from './session';
import type { SessionFragments } from './timeline';

export interface ManifestInput {
  readonly session: MediaSession;
  /** The SessionToken the player presented; carried on every URL the manifest lists. */
  readonly sessionToken: string;
  readonly nowMs: number;
  readonly fragments: SessionFragments;
  readonly media: MediaDescription;
}
