// The live grid of the player page: up to 16 streams from one POST /v1/sessions, one muted DASH video per entry, a
// refused entry shown in its tile (the others play on), all sessions renewed together (grid-renewal.ts). A tile says
// in data-* when its clock has moved a second.
import { isSessionFailure, MAX_GRID_SESSIONS, type Session, type SessionFailure } from '../../client';
import { gridRenewalDelayMs, gridRetryDelayMs } from './grid-renewal';
import { playDash, type Playback } from './players';
import { pageClient } from './timeline';
import { byId, describeError, ui } from './ui';

const el = {
  streams: byId<HTMLInputElement>('grid-streams'),
  mine: byId<HTMLButtonElement>('grid-mine'),
  play: byId<HTMLButtonElement>('grid-play'),
  stop: byId<HTMLButtonElement>('grid-stop'),
  info: byId('grid-info'),
  grid: byId('grid'),
};

/** The names typed, split on commas and spaces, each once. */
export function gridStreams(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((s) => s !== ''))];
}

function tile(streamName: string): { figure: HTMLElement; video: HTMLVideoElement; caption: HTMLElement } {
  const figure = document.createElement('figure');
  figure.className = 'grid-tile';
  figure.dataset.stream = streamName;
  figure.dataset.state = 'loading';
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  const caption = document.createElement('figcaption');
  caption.textContent = streamName;
  figure.append(video, caption);
  return { figure, video, caption };
}

/** Marks the tile once its video played a second of media (`data-advanced`), for people and tests alike. */
function watchAdvance(figure: HTMLElement, video: HTMLVideoElement): void {
  let first: number | undefined;
  video.addEventListener('playing', () => (figure.dataset.state = 'playing'));
  video.addEventListener('timeupdate', () => {
    first ??= video.currentTime;
    if (video.currentTime - first >= 1) figure.dataset.advanced = 'true';
  });
}

interface Tile {
  streamName: string;
  figure: HTMLElement;
  caption: HTMLElement;
  playback?: Playback;
  session?: Session;
  renewals: number;
}

function start(entry: Session | SessionFailure): Tile {
  const { figure, video, caption } = tile(entry.streamName);
  const t: Tile = { streamName: entry.streamName, figure, caption, renewals: 0 };
  if (isSessionFailure(entry)) {
    figure.dataset.state = 'error';
    figure.dataset.code = entry.error.code;
    caption.textContent = `${entry.streamName}: ${entry.error.code}: ${entry.error.message}`;
    return t;
  }
  watchAdvance(figure, video);
  t.session = entry;
  t.playback = playDash(video, entry.url, (message) => {
    figure.dataset.state = 'error';
    caption.textContent = `${entry.streamName}: ${message}`;
  });
  return t;
}

const playing = (tiles: readonly Tile[]) => tiles.filter((t) => t.playback && t.session);
const request = (streamName: string) => ({ streamName, protocol: 'DASH' as const });

/** Renews every playing tile's session in one request; each player takes its new token (no reload). */
async function renew(tiles: readonly Tile[]): Promise<void> {
  const live = playing(tiles);
  const answers = await pageClient().sessions(live.map((t) => request(t.streamName)));
  answers.forEach((answer, i) => {
    const t = live[i]!;
    if (isSessionFailure(answer)) {
      t.caption.textContent = `${t.streamName}: renewal refused: ${answer.error.code}`;
      return;
    }
    t.session = answer;
    t.playback!.update(answer.url);
    t.figure.dataset.renewals = String(++t.renewals);
  });
}

export function wireGrid(): void {
  let tiles: Tile[] = [];
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    attempt++;
    clearTimeout(timer);
    tiles.forEach((t) => t.playback?.stop());
    tiles = [];
    el.grid.replaceChildren();
  };
  const expiries = () => playing(tiles).map((t) => t.session!.expiresAt);

  function schedule(mine: number, delayMs: number | undefined): void {
    if (delayMs === undefined) return;
    timer = setTimeout(() => {
      if (mine !== attempt) return;
      renew(tiles).then(
        () => mine === attempt && schedule(mine, gridRenewalDelayMs(expiries(), Date.now())),
        (error: unknown) => {
          if (mine !== attempt) return;
          el.info.textContent = `Renewing the grid failed: ${describeError(error)}`;
          schedule(mine, gridRetryDelayMs(expiries(), Date.now()));
        },
      );
    }, delayMs);
  }

  async function play(): Promise<void> {
    stop();
    const mine = attempt;
    const names = gridStreams(el.streams.value);
    if (names.length === 0 || names.length > MAX_GRID_SESSIONS) {
      el.info.textContent = `Name 1 to ${MAX_GRID_SESSIONS} streams (${names.length} given).`;
      return;
    }
    el.info.textContent = `Asking for ${names.length} sessions in one request…`;
    let entries: (Session | SessionFailure)[];
    try {
      entries = await pageClient().sessions(names.map(request));
    } catch (error) {
      if (mine === attempt) el.info.textContent = `Could not open the grid: ${describeError(error)}`;
      return;
    }
    if (mine !== attempt) return;
    tiles = entries.map(start);
    el.grid.replaceChildren(...tiles.map((t) => t.figure));
    const refused = entries.filter(isSessionFailure).length;
    el.info.textContent = `${entries.length - refused} playing${refused ? `, ${refused} refused` : ''} (one POST /v1/sessions, renewed together).`;
    schedule(mine, gridRenewalDelayMs(expiries(), Date.now()));
  }

  el.play.addEventListener('click', () => void play());
  el.stop.addEventListener('click', () => {
    stop();
    el.info.textContent = 'Stopped.';
  });
  el.mine.addEventListener('click', useListedStreams);
}

/** The streams the token's listing found (the stream field's suggestions), up to a grid's worth. */
function useListedStreams(): void {
  const options = Array.from(ui.streams.options)
    .map((o) => o.value)
    .slice(0, MAX_GRID_SESSIONS);
  el.streams.value = options.join(', ');
}
