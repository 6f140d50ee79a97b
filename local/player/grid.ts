// The live grid of the player page: up to 16 streams from one POST /v1/sessions, one muted DASH video per entry, a
// refused entry shown in its tile (the others play on). A tile says in data-* when its clock has moved a second.
import { isSessionFailure, MAX_GRID_SESSIONS, type Session, type SessionFailure } from '../../client';
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

function start(entry: Session | SessionFailure, players: Playback[]): HTMLElement {
  const { figure, video, caption } = tile(entry.streamName);
  if (isSessionFailure(entry)) {
    figure.dataset.state = 'error';
    figure.dataset.code = entry.error.code;
    caption.textContent = `${entry.streamName}: ${entry.error.code}: ${entry.error.message}`;
    return figure;
  }
  watchAdvance(figure, video);
  players.push(
    playDash(video, entry.url, (message) => {
      figure.dataset.state = 'error';
      caption.textContent = `${entry.streamName}: ${message}`;
    }),
  );
  return figure;
}

export function wireGrid(): void {
  let players: Playback[] = [];
  let attempt = 0;
  const stop = () => {
    attempt++;
    players.forEach((p) => p.stop());
    players = [];
    el.grid.replaceChildren();
  };

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
      entries = await pageClient().sessions(names.map((streamName) => ({ streamName, protocol: 'DASH' })));
    } catch (error) {
      if (mine === attempt) el.info.textContent = `Could not open the grid: ${describeError(error)}`;
      return;
    }
    if (mine !== attempt) return;
    const started: Playback[] = [];
    el.grid.replaceChildren(...entries.map((e) => start(e, started)));
    players = started;
    const refused = entries.filter(isSessionFailure).length;
    el.info.textContent = `${entries.length - refused} playing${refused ? `, ${refused} refused` : ''} (one POST /v1/sessions).`;
  }

  el.play.addEventListener('click', () => void play());
  el.stop.addEventListener('click', () => {
    stop();
    el.info.textContent = 'Stopped.';
  });
  el.mine.addEventListener('click', () => {
    const options = Array.from(ui.streams.options)
      .map((o) => o.value)
      .slice(0, MAX_GRID_SESSIONS);
    el.streams.value = options.join(', ');
  });
}
