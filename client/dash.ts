// dash.js (v5) adapter: a request interceptor gives the manifest request the current session's token, so a renewed
// session takes over at the next manifest refresh without reloading the player. Only the manifest: KVS numbers a
// DASH manifest's segments ($Number$) by their sequence in the session (GetDASHStreamingSessionURL,
// DisplayFragmentNumber), so a segment URL is only meaningful with the token of the session whose manifest listed
// it, and that manifest's template already carries it. The old session stays valid past the next refresh (renewals
// come a minute before expiry), so its last segments load with its own token.
import { createSessionUrl, type SessionUrl } from './session-url';

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
 * `const link = followDashSessions(player, session.url)`, then `onSession: (s) => link.update(s.url)`.
 */
export function followDashSessions(player: DashPlayerLike, firstUrl: string): SessionLink {
  const session = createSessionUrl(firstUrl);
  const interceptor = (request: RequestLike): Promise<RequestLike> => {
    if (DASH_MANIFEST.test(request.url)) request.url = session.rewrite(request.url);
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
