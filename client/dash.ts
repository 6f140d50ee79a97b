// dash.js (v5) adapter: a request interceptor gives every request the current session's token, so a renewed
// session takes over at the next manifest refresh or fragment without reloading the player.
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
    request.url = session.rewrite(request.url);
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
