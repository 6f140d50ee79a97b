// dash.js and hls.js, whose UMD builds the page loads first from /player/vendor/, bound to a session that the
// renewal replaces: the client's adapters swap the new SessionToken into the players' requests, no reload.
import type * as DashJs from 'dashjs';
import type HlsJs from 'hls.js';
import { followDashSessions, hlsSessionConfig, type PlaybackMode } from '../../client';

const { dashjs, Hls } = globalThis as unknown as { dashjs: typeof DashJs; Hls: typeof HlsJs };

/** A running player: how to stop it, hand it a renewed session and, for live, how far behind the head it plays. */
export interface Playback {
  stop(): void;
  latency(): number | undefined;
  /** 'swapped' when the player kept playing with the new token; 'reloaded' when it had to load the URL afresh. */
  update(url: string): 'swapped' | 'reloaded';
}

export function playDash(
  video: HTMLVideoElement,
  url: string,
  fail: (message: string) => void,
  playbackMode: PlaybackMode = 'LIVE',
): Playback {
  const player = dashjs.MediaPlayer().create();
  player.on(dashjs.MediaPlayer.events.ERROR, (event) => {
    const { error } = event as { error: unknown };
    const detail =
      typeof error === 'object' && error !== null
        ? `${String((error as { code?: unknown }).code)}: ${String((error as { message?: unknown }).message)}`
        : String(error);
    fail(`PLAYER_ERROR: dash.js ${detail}`);
  });
  const link = followDashSessions(player, url, { playbackMode });
  player.initialize(video, url, true);
  return {
    stop: () => {
      link.detach();
      player.destroy();
    },
    latency: () => (player.isReady() && player.isDynamic() ? player.getCurrentLiveLatency() : undefined),
    update: (next) => link.update(next),
  };
}

export function playHls(video: HTMLVideoElement, url: string, fail: (message: string) => void): Playback {
  if (!Hls.isSupported()) {
    // Safari plays HLS natively: no hook on its requests, so a renewal reloads the source
    video.src = url;
    return {
      stop: () => undefined,
      latency: () => undefined,
      update: (next) => {
        video.src = next;
        return 'reloaded';
      },
    };
  }
  const { loader, bind } = hlsSessionConfig(Hls.DefaultConfig.loader, url);
  const hls = new Hls({ loader });
  const link = bind(hls);
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (!data.fatal) return;
    const status = data.response?.code ? ` (HTTP ${data.response.code})` : '';
    fail(`PLAYER_ERROR: hls.js ${data.type} ${data.details}${status}: ${data.error.message}`);
  });
  hls.loadSource(url);
  hls.attachMedia(video);
  return {
    stop: () => hls.destroy(),
    latency: () => (hls.liveSyncPosition !== null && Number.isFinite(hls.latency) ? hls.latency : undefined),
    update: (next) => link.update(next),
  };
}
