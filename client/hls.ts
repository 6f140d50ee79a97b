// hls.js adapter: a loader that gives every playlist and fragment request the current session's token, so a
// renewed session takes over at the next playlist reload without reloading the player.
import type { SessionLink } from './dash';
import { createPlaylistContinuity } from './hls-playlist';
import { createSessionUrl, type SessionUrl } from './session-url';

/* eslint-disable @typescript-eslint/no-explicit-any -- hls.js's loader signature, taken structurally */
export interface LoaderCallbacksLike {
  onSuccess(response: { data?: unknown }, ...rest: any[]): void;
}

export interface LoaderLike {
  load(context: { url: string }, config: any, callbacks: LoaderCallbacksLike): void;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's base must take any constructor arguments
export type LoaderClass = new (...args: any[]) => LoaderLike;

/** The part of hls.js's Hls the adapter uses. */
export interface HlsLike {
  loadSource(url: string): void;
}

/**
 * `Base` (hls.js's `Hls.DefaultConfig.loader`) with every request URL rewritten to the current session, and media
 * playlists renumbered to continue across sessions (see hls-playlist.ts: KVS restarts the numbers per session).
 */
export function renewingLoader<B extends LoaderClass>(Base: B, session: SessionUrl): B {
  const continuity = createPlaylistContinuity();
  return class extends Base {
    override load(context: { url: string }, config: unknown, callbacks: LoaderCallbacksLike): void {
      context.url = session.rewrite(context.url);
      const url = context.url;
      super.load(context, config, {
        ...callbacks,
        onSuccess(response, ...rest) {
          if (typeof response.data === 'string') response.data = continuity.rewrite(url, response.data);
          callbacks.onSuccess(response, ...rest);
        },
      });
    }
  };
}

/**
 * The hls.js config part and link for a session that may be renewed:
 * `const { loader, bind } = hlsSessionConfig(Hls.DefaultConfig.loader, session.url)`,
 * `const hls = new Hls({ loader })`, `const link = bind(hls)`, `hls.loadSource(session.url)`,
 * then `onSession: (s) => link.update(s.url)`.
 */
export function hlsSessionConfig<B extends LoaderClass>(
  Base: B,
  firstUrl: string,
): { loader: B; bind(hls: HlsLike): SessionLink } {
  const session = createSessionUrl(firstUrl);
  return {
    loader: renewingLoader(Base, session),
    bind: (hls) => ({
      session,
      update(url) {
        if (session.replace(url) === 'swapped') return 'swapped';
        hls.loadSource(url);
        return 'reloaded';
      },
      detach: () => undefined, // the loader lives and dies with the Hls instance
    }),
  };
}
