// Swapping a renewed session into a running player without reloading it. KVS puts the session's credential in the
// SessionToken query parameter of every URL it serves (manifest, playlists, init and media fragments), and a new
// session of the same stream differs from the old one only by that token. So a player that lets us rewrite its
// request URLs (dash.js request interceptors, hls.js loaders, ExoPlayer's ResolvingDataSource) keeps playing: the
// next manifest refresh and the next fragment simply carry the new token. No URL parsing beyond strings: React
// Native's URL lacks searchParams.

const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]+/i;
const TOKEN = /([?&]SessionToken=)([^&#]*)/;

function originOf(url: string): string | undefined {
  return ORIGIN.exec(url)?.[0].toLowerCase();
}

function tokenOf(url: string): string | undefined {
  return TOKEN.exec(url)?.[2];
}

export interface SessionUrl {
  /** The current session's URL (a credential: do not log it). */
  readonly current: string;
  /** `url` with the current session's token, when it is a URL of the same KVS endpoint; otherwise `url`. */
  rewrite(url: string): string;
  /**
   * Makes `next` current. 'swapped': requests rewritten from now on carry its token, nothing else to do.
   * 'reload': it is on another endpoint (or has no token), so the player must load `next` afresh.
   */
  replace(next: string): 'swapped' | 'reload';
}

export function createSessionUrl(first: string): SessionUrl {
  let current = first;
  let origin = originOf(first);
  let token = tokenOf(first);
  return {
    get current() {
      return current;
    },
    rewrite(url) {
      if (token === undefined || origin === undefined || originOf(url) !== origin) return url;
      return TOKEN.test(url) ? url.replace(TOKEN, (_m, key: string) => `${key}${token}`) : url;
    },
    replace(next) {
      const nextToken = tokenOf(next);
      const nextOrigin = originOf(next);
      const swapped = nextToken !== undefined && nextOrigin !== undefined && nextOrigin === origin;
      current = next;
      origin = nextOrigin;
      token = nextToken;
      return swapped ? 'swapped' : 'reload';
    },
  };
}
