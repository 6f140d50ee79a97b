// The player page's script: asks the broker for a playback session and plays its URL with dash.js or hls.js,
// whose UMD builds the page loads first from /player/vendor/. Never shows or logs a session URL's token.
import type * as DashJs from 'dashjs';
import type HlsJs from 'hls.js';

const { dashjs, Hls } = globalThis as unknown as { dashjs: typeof DashJs; Hls: typeof HlsJs };

type State = 'idle' | 'requesting' | 'loading' | 'playing' | 'buffering' | 'ended' | 'stopped' | 'error';

interface SessionResponse {
  url: string;
  protocol: 'DASH' | 'HLS';
  streamName: string;
  playbackMode: string;
  expiresAt: string;
}

interface StreamListing {
  streams: { streamName: string; modes: string[]; protocols: string[] }[];
}

/** A running player: how to stop it and, for live, how far behind the head it plays. */
interface Playback {
  stop(): void;
  latency(): number | undefined;
}

function byId<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`player page: #${id} is missing`);
  return found as T;
}

const ui = {
  form: byId<HTMLFormElement>('session-form'),
  token: byId<HTMLTextAreaElement>('token'),
  mint: byId<HTMLButtonElement>('mint'),
  tokenInfo: byId('token-info'),
  stream: byId<HTMLInputElement>('stream'),
  streams: byId<HTMLDataListElement>('streams'),
  streamsInfo: byId('streams-info'),
  hlsOptions: byId<HTMLFieldSetElement>('hls-options'),
  container: byId<HTMLSelectElement>('container'),
  discontinuity: byId<HTMLSelectElement>('discontinuity'),
  window: byId<HTMLFieldSetElement>('window'),
  start: byId<HTMLInputElement>('start'),
  end: byId<HTMLInputElement>('end'),
  lastMinutes: byId<HTMLButtonElement>('last-minutes'),
  expires: byId<HTMLInputElement>('expires'),
  stop: byId<HTMLButtonElement>('stop'),
  status: byId('status'),
  error: byId('error'),
  currentTime: byId('current-time'),
  played: byId('played'),
  buffered: byId('buffered'),
  resolution: byId('resolution'),
  latency: byId('latency'),
  dropped: byId('dropped'),
  expiresAt: byId('expires-at'),
  copyUrl: byId<HTMLButtonElement>('copy-url'),
  response: byId('response'),
};

// A fresh <video> per playback: dash.js and hls.js each leave state on the element they used (dash.js clears
// `autoplay` on reset), which would stall the next player.
let video = byId<HTMLVideoElement>('video');
const pristineVideo = video.cloneNode(false) as HTMLVideoElement;
let playback: Playback | undefined;
let session: SessionResponse | undefined;
let attempt = 0;
/** Media seconds played since Play (video.played also counts the jump to a live edge, so it cannot say). */
let playedSeconds = 0;
let lastTime: number | undefined;

/** Session URLs carry their credential in the query: the page shows everything but that. */
function maskTokens(text: string): string {
  return text.replace(/([?&]SessionToken=)[^&\s"']*/g, '$1…hidden…');
}

function setState(state: State, label: string = state): void {
  document.body.dataset.state = state;
  ui.status.textContent = label;
}

function showError(message: string | undefined): void {
  ui.error.hidden = message === undefined;
  ui.error.textContent = message === undefined ? '' : maskTokens(message);
  if (message !== undefined) setState('error');
}

const checked = (name: string): string =>
  document.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`)?.value ?? '';

/** The API's error body as `CODE: message`, whatever came back. */
function describeFailure(status: number, body: unknown): string {
  const error = (body as { error?: { code?: unknown; message?: unknown; reason?: unknown } } | undefined)
    ?.error;
  if (typeof error?.code !== 'string') return `HTTP_${status}: unexpected response from the server`;
  return `${error.code}: ${String(error.message)}${typeof error.reason === 'string' ? ` (${error.reason})` : ''}`;
}

async function callJson(
  path: string,
  init: RequestInit,
): Promise<{ ok: true; body: unknown } | { ok: false; message: string }> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, cache: 'no-store' });
  } catch (error) {
    return { ok: false, message: `NETWORK_ERROR: ${(error as Error).message}` };
  }
  const body: unknown = await res.json().catch(() => undefined);
  return res.ok ? { ok: true, body } : { ok: false, message: describeFailure(res.status, body) };
}

function authorization(): Record<string, string> {
  const token = ui.token.value.trim();
  return token === '' ? {} : { Authorization: `Bearer ${token}` };
}

// <input type="datetime-local"> speaks local wall-clock time without a zone; the API wants ISO 8601 with one.
function toLocalInput(ms: number): string {
  const offsetMs = new Date(ms).getTimezoneOffset() * 60_000;
  return new Date(ms - offsetMs).toISOString().slice(0, 19);
}

function toIso(value: string): string | undefined {
  const date = new Date(value);
  return value === '' || Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function useLastMinutes(minutes = 5): void {
  const now = Math.floor(Date.now() / 1000) * 1000;
  ui.start.value = toLocalInput(now - minutes * 60_000);
  ui.end.value = toLocalInput(now);
}

function syncForm(): void {
  ui.hlsOptions.disabled = checked('protocol') !== 'HLS';
  ui.window.disabled = checked('mode') === 'LIVE';
}

/** The POST body, as the form says; the API itself judges it (the page is a tool to see its answers). */
function sessionRequestBody(): Record<string, unknown> {
  const protocol = checked('protocol');
  const playbackMode = checked('mode');
  const body: Record<string, unknown> = { protocol, playbackMode };
  if (playbackMode !== 'LIVE') {
    const start = toIso(ui.start.value);
    const end = toIso(ui.end.value);
    if (start !== undefined) body.startTimestamp = start;
    if (end !== undefined) body.endTimestamp = end;
  }
  if (ui.expires.value !== '') body.expiresInSeconds = Number(ui.expires.value);
  if (protocol === 'HLS') {
    body.containerFormat = ui.container.value;
    if (ui.discontinuity.value !== '') body.discontinuityMode = ui.discontinuity.value;
  }
  return body;
}

let listing = 0;

async function loadStreams(): Promise<void> {
  const mine = ++listing;
  ui.streams.replaceChildren();
  if (ui.token.value.trim() === '') {
    ui.streamsInfo.textContent = "Pick one of the token's streams, or type a name.";
    return;
  }
  ui.streamsInfo.textContent = 'Loading your streams…';
  const result = await callJson('/v1/streams?limit=1000', { headers: authorization() });
  if (mine !== listing) return; // the token changed meanwhile
  if (!result.ok) {
    ui.streamsInfo.textContent = `Could not list streams: ${result.message}`;
    return;
  }
  const { streams } = result.body as StreamListing;
  for (const s of streams) {
    const option = document.createElement('option');
    option.value = s.streamName;
    option.label = `${s.modes.join(', ')} · ${s.protocols.join(', ')}`;
    ui.streams.append(option);
  }
  ui.streamsInfo.textContent =
    streams.length === 0
      ? 'This token opens no streams.'
      : `This token opens ${streams.length === 1 ? '1 stream' : `${streams.length} streams`}: ${streams
          .map((s) => s.streamName)
          .join(', ')}`;
}

async function mintDevToken(): Promise<void> {
  const stream = ui.stream.value.trim();
  const mode = checked('mode');
  showError(undefined);
  const result = await callJson('/player/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      sub: 'player-dev',
      grants: [{ stream, modes: [mode], protocols: ['DASH', 'HLS'] }],
    }),
  });
  if (!result.ok) {
    showError(result.message);
    return;
  }
  const { token, expiresAt } = result.body as { token: string; expiresAt: string };
  ui.token.value = token;
  ui.tokenInfo.textContent = `Dev token for ${stream} (${mode}), valid until ${new Date(expiresAt).toLocaleTimeString()}.`;
  await loadStreams();
}

function fail(message: string): void {
  stopPlayback();
  showError(message);
}

function playDash(url: string): Playback {
  const player = dashjs.MediaPlayer().create();
  player.on(dashjs.MediaPlayer.events.ERROR, (event) => {
    const { error } = event as { error: unknown };
    const detail =
      typeof error === 'object' && error !== null
        ? `${String((error as { code?: unknown }).code)}: ${String((error as { message?: unknown }).message)}`
        : String(error);
    fail(`PLAYER_ERROR: dash.js ${detail}`);
  });
  player.initialize(video, url, true);
  return {
    stop: () => player.destroy(),
    latency: () => (player.isReady() && player.isDynamic() ? player.getCurrentLiveLatency() : undefined),
  };
}

function playHls(url: string): Playback {
  if (!Hls.isSupported()) {
    // Safari plays HLS natively
    video.src = url;
    return { stop: () => undefined, latency: () => undefined };
  }
  const hls = new Hls();
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
  };
}

function stopPlayback(): void {
  playback?.stop();
  playback = undefined;
  playedSeconds = 0;
  lastTime = undefined;
  video = replaceVideo(video);
}

function showSession(answer: SessionResponse | undefined): void {
  session = answer;
  ui.copyUrl.disabled = answer === undefined;
  ui.response.textContent =
    answer === undefined
      ? 'No session.'
      : JSON.stringify({ ...answer, url: maskTokens(answer.url) }, null, 2);
}

async function play(): Promise<void> {
  const mine = ++attempt;
  stopPlayback();
  showError(undefined);
  showSession(undefined);
  setState('requesting', 'requesting session');
  const stream = ui.stream.value.trim();
  const result = await callJson(`/v1/streams/${encodeURIComponent(stream)}/sessions`, {
    method: 'POST',
    headers: { ...authorization(), 'Content-Type': 'application/json' },
    body: JSON.stringify(sessionRequestBody()),
  });
  if (mine !== attempt) return; // a newer Play or Stop won
  if (!result.ok) {
    showError(result.message);
    return;
  }
  const answer = result.body as SessionResponse;
  showSession(answer);
  setState('loading', 'loading media');
  playback = answer.protocol === 'HLS' ? playHls(answer.url) : playDash(answer.url);
}

const seconds = (s: number): string => `${s.toFixed(2)} s`;

function renderStats(): void {
  const played = playedSeconds;
  const active = playback !== undefined;
  ui.currentTime.dataset.seconds = String(video.currentTime);
  ui.currentTime.textContent = active ? seconds(video.currentTime) : '–';
  ui.played.dataset.seconds = String(played);
  ui.played.textContent = active ? seconds(played) : '–';

  let ahead = 0;
  let total = 0;
  for (let i = 0; i < video.buffered.length; i++) {
    const [from, to] = [video.buffered.start(i), video.buffered.end(i)];
    total += to - from;
    if (video.currentTime >= from && video.currentTime <= to) ahead = to - video.currentTime;
  }
  const ranges = video.buffered.length;
  ui.buffered.textContent =
    ranges > 0
      ? `${ahead.toFixed(1)} s ahead (${total.toFixed(1)} s in ${ranges} range${ranges > 1 ? 's' : ''})`
      : '–';
  ui.resolution.textContent = video.videoWidth > 0 ? `${video.videoWidth}×${video.videoHeight}` : '–';
  const latency = playback?.latency();
  ui.latency.textContent = latency !== undefined && latency > 0 ? seconds(latency) : '–';
  const quality = video.getVideoPlaybackQuality();
  ui.dropped.textContent = active ? `${quality.droppedVideoFrames} / ${quality.totalVideoFrames}` : '–';

  if (session !== undefined) {
    const left = Math.round((Date.parse(session.expiresAt) - Date.now()) / 1000);
    ui.expiresAt.textContent =
      left > 0
        ? `expires ${session.expiresAt} (in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')})`
        : `expired at ${session.expiresAt}`;
  } else {
    ui.expiresAt.textContent = '';
  }
}

function watchVideo(element: HTMLVideoElement): void {
  // a replaced element may still fire while its player winds down
  const on = (type: string, listener: () => void) =>
    element.addEventListener(type, () => element === video && listener());
  on('playing', () => setState('playing'));
  on('seeking', () => (lastTime = undefined));
  on('timeupdate', () => {
    const delta = lastTime === undefined ? 0 : element.currentTime - lastTime;
    if (!element.seeking && delta > 0 && delta < 2) playedSeconds += delta;
    lastTime = element.currentTime;
  });
  on('waiting', () => playback && setState('buffering'));
  on('ended', () => setState('ended'));
  on('error', () => {
    const error = element.error;
    if (playback && error)
      fail(`MEDIA_ERROR: ${error.code}: ${error.message || 'the browser could not play the media'}`);
  });
}

/** Puts a new <video>, as the page first had it, where `old` was. */
function replaceVideo(old: HTMLVideoElement): HTMLVideoElement {
  const fresh = pristineVideo.cloneNode(false) as HTMLVideoElement;
  fresh.muted = true;
  watchVideo(fresh);
  old.replaceWith(fresh);
  return fresh;
}

function wire(): void {
  ui.form.addEventListener('submit', (event) => {
    event.preventDefault();
    void play();
  });
  ui.stop.addEventListener('click', () => {
    attempt++;
    stopPlayback();
    showError(undefined);
    setState('stopped');
  });
  ui.mint.addEventListener('click', () => void mintDevToken());
  ui.token.addEventListener('change', () => void loadStreams());
  ui.lastMinutes.addEventListener('click', () => useLastMinutes());
  ui.form.addEventListener('change', syncForm);
  ui.copyUrl.addEventListener('click', () => {
    if (session) void navigator.clipboard.writeText(session.url);
  });

  watchVideo(video);

  useLastMinutes();
  syncForm();
  setInterval(renderStats, 250);
  document.body.dataset.ready = 'true';
}

wire();
