// dash.js (v5) adapter: a request interceptor gives requests the current session's token, so a renewed session
// takes over without reloading the player. KVS numbers a DASH manifest's segments ($Number$) by their sequence in
// the session (GetDASHStreamingSessionURL, DisplayFragmentNumber). A LIVE session's numbers depend on when it was
// issued, so for LIVE only the manifest request gets the new token: the refreshed manifest's template carries it,
// and each segment URL keeps the token of the manifest that listed it (the old session still lives while the
// manifest refreshes, every fragment duration). ON_DEMAND and LIVE_REPLAY sessions of the same request number their
// fragments alike, and an ON_DEMAND manifest is static (never fetched again): every request gets the new token.
import { createSessionUrl, type SessionUrl } from './session-url';
import type { PlaybackMode } from './types';

export interface RequestLike {
  url: string;
}

/** The part of dash.js's MediaPlayer the adapter uses. */
export interface DashPlayerLike {
  addRequestInterceptor(interceptor: (request: RequestLike) => Promise<RequestLike>): void;
  removeRequestInterceptor(interceptor: (request: RequestLike) => Promise<RequestLike>): void;
  attachSource(url: string): void;
}

/** KVS's DASH manifest resource (its path), whatever the query. */
const DASH_MANIFEST = /\/getDASHManifest\.mpd(?:[?#]|$)/;

/** A player bound to a session that may be renewed. */
export interface SessionLink {
  readonly session: SessionUrl;
  /** Hands over a renewed session URL: swapped in place, or reloaded when it is on another endpoint. */
  update(url: string): 'swapped' | 'reloaded';
  detach(): void;
}

/**
 * Binds `player` to `firstUrl` and its renewals. Call before `player.initialize(video, firstUrl, true)`, e.g.
 * `const link = followDashSessions(player, session.url, session)`, then `onSession: (s) => link.update(s.url)`.
 * `playbackMode` is the session's (@default LIVE).
 */
export function followDashSessions(
  player: DashPlayerLike,
  firstUrl: string,
  options: { playbackMode?: PlaybackMode } = {},
): SessionLink {
  const session = createSessionUrl(firstUrl);
  const live = (options.playbackMode ?? 'LIVE') === 'LIVE';
  const interceptor = (request: RequestLike): Promise<RequestLike> => {
    if (!live || DASH_MANIFEST.test(request.url)) request.url = session.rewrite(request.url);
    return Promise.resolve(request);
  };
  player.addRequestInterceptor(interceptor);
  return {
    session,
    update(url) {
      if (session.replace(url) === 'swapped') return 'swapped';
      player.attachSource(url);
      return 'reloaded';
    },
    detach: () => player.removeRequestInterceptor(interceptor),
  };
}
