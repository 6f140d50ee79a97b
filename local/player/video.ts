// The page's <video>: a fresh element per playback (dash.js and hls.js each leave state on the element they used;
// dash.js clears `autoplay` on reset, which would stall the next player), the media seconds it really played, and
// how long its clock stood still after a session switch.

export interface VideoEvents {
  playing(): void;
  waiting(): void;
  ended(): void;
  error(message: string): void;
}

export interface VideoSlot {
  readonly element: HTMLVideoElement;
  /** Media seconds played since the last replace (video.played also counts the jump to a live edge). */
  readonly playedSeconds: number;
  /** Puts a new <video>, as the page first had it, where the current one is. */
  replace(): void;
  /** Starts measuring stalls from now (a session switch). */
  markSwitch(): void;
  /** The longest time, in ms, the clock stood still while playing since markSwitch; undefined before one. */
  longestStallMs(): number | undefined;
}

// eslint-disable-next-line max-lines-per-function -- a factory: the slot's methods share one video element and its listeners
export function createVideoSlot(first: HTMLVideoElement, events: VideoEvents): VideoSlot {
  const pristine = first.cloneNode(false) as HTMLVideoElement;
  let element = first;
  let playedSeconds = 0;
  let lastTime: number | undefined;
  let lastAdvanceAt = performance.now();
  let longestStall: number | undefined;

  const measure = () => {
    if (longestStall === undefined || element.paused || element.ended) return;
    longestStall = Math.max(longestStall, performance.now() - lastAdvanceAt);
  };

  function watch(video: HTMLVideoElement): void {
    // a replaced element may still fire while its player winds down
    const on = (type: string, listener: () => void) =>
      video.addEventListener(type, () => video === element && listener());
    on('playing', events.playing);
    on('seeking', () => (lastTime = undefined));
    on('timeupdate', () => {
      const delta = lastTime === undefined ? 0 : video.currentTime - lastTime;
      measure();
      if (delta > 0) lastAdvanceAt = performance.now();
      if (!video.seeking && delta > 0 && delta < 2) playedSeconds += delta;
      lastTime = video.currentTime;
    });
    on('waiting', events.waiting);
    on('ended', events.ended);
    on('error', () => {
      const error = video.error;
      if (error)
        events.error(
          `MEDIA_ERROR: ${error.code}: ${error.message || 'the browser could not play the media'}`,
        );
    });
  }

  watch(first);
  return {
    get element() {
      return element;
    },
    get playedSeconds() {
      return playedSeconds;
    },
    replace() {
      const fresh = pristine.cloneNode(false) as HTMLVideoElement;
      fresh.muted = true;
      watch(fresh);
      element.replaceWith(fresh);
      element = fresh;
      playedSeconds = 0;
      lastTime = undefined;
      longestStall = undefined;
    },
    markSwitch() {
      lastAdvanceAt = performance.now();
      longestStall = 0;
    },
    longestStallMs() {
      measure();
      return longestStall;
    },
  };
}
