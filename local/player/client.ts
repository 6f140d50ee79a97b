// The player page's script: asks the broker for a playback session through kvs-session-broker/client, plays it
// with dash.js or hls.js, and renews it before it expires, swapping the new session into the running player.
// Never shows or logs a session URL's token.
import {
  createBrokerClient,
  createSessionRenewal,
  type BrokerClient,
  type Session,
  type SessionRenewal,
  type WebrtcViewerAnswer,
} from '../../client';
import { wireClip } from './clip';
import { checked, sessionRequest, syncForm, useLastMinutes } from './form';
import { wireGrid } from './grid';
import { playDash, playHls, type Playback } from './players';
import { renderStats, type StatsView } from './stats';
import { describeError, maskTokens, setState, showError, showNotice, ui } from './ui';
import { wireTimeline } from './timeline';
import { createVideoSlot } from './video';
import { playWebrtc, shownAnswer } from './webrtc';

let playback: Playback | undefined;
let renewal: SessionRenewal | undefined;
let session: Session | undefined;
let attempt = 0;
const renewals: StatsView['renewals'] = { count: 0 };

const slot = createVideoSlot(document.getElementById('video') as HTMLVideoElement, {
  playing: () => setState('playing'),
  waiting: () => playback && setState('buffering'),
  ended: () => setState('ended'),
  error: (message) => playback && fail(message),
});

/** A client for this page's origin, with the token as the form has it at each request. */
function brokerClient(mine: number): BrokerClient {
  return createBrokerClient({
    baseUrl: '',
    token: () => ui.token.value.trim(),
    onRetry: ({ error, delayMs }) => {
      if (mine !== attempt) return;
      const wait = `${(delayMs / 1000).toFixed(1)} s`;
      if (playback === undefined) setState('retrying', `throttled: retrying in ${wait}`);
      showNotice(`${describeError(error)}: retrying in ${wait}`);
    },
  });
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
  let streams;
  try {
    ({ streams } = await brokerClient(-1).listStreams({ limit: 1000 }));
  } catch (error) {
    if (mine === listing) ui.streamsInfo.textContent = `Could not list streams: ${describeError(error)}`;
    return;
  }
  if (mine !== listing) return; // the token changed meanwhile
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

/** POST /player/token (local mode's dev issuer, not the broker's API). */
async function mintDevToken(): Promise<void> {
  const stream = ui.stream.value.trim();
  const mode = checked('protocol') === 'WEBRTC' ? 'WEBRTC' : checked('mode');
  showError(undefined);
  let res: Response;
  try {
    res = await fetch('/player/token', {
      method: 'POST',
      cache: 'no-store',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        sub: 'player-dev',
        grants: [
          mode === 'WEBRTC'
            ? { stream, modes: [mode] }
            : { stream, modes: [mode], protocols: ['DASH', 'HLS'] },
        ],
      }),
    });
  } catch (error) {
    showError(`NETWORK_ERROR: ${(error as Error).message}`);
    return;
  }
  const body = (await res.json().catch(() => undefined)) as
    { token: string; expiresAt: string; error?: { code: string; message: string } } | undefined;
  if (!res.ok || body?.token === undefined) {
    showError(
      body?.error ? `${body.error.code}: ${body.error.message}` : `HTTP_${res.status}: unexpected response`,
    );
    return;
  }
  ui.token.value = body.token;
  ui.tokenInfo.textContent = `Dev token for ${stream} (${mode}), valid until ${new Date(body.expiresAt).toLocaleTimeString()}.`;
  await loadStreams();
}

function fail(message: string): void {
  stopPlayback();
  showError(message);
}

function stopPlayback(): void {
  renewal?.stop();
  renewal = undefined;
  playback?.stop();
  playback = undefined;
  renewals.count = 0;
  delete renewals.last;
  slot.replace();
}

function showSession(answer: Session | undefined): void {
  session = answer;
  ui.copyUrl.disabled = answer === undefined;
  ui.response.textContent =
    answer === undefined
      ? 'No session.'
      : JSON.stringify({ ...answer, url: maskTokens(answer.url) }, null, 2);
}

/** A renewed session: the player takes it over (token swap, or a reload on another endpoint). */
function adoptRenewal(renewed: Session): void {
  showSession(renewed);
  showNotice(undefined);
  if (playback === undefined) return;
  renewals.count++;
  renewals.last = playback.update(renewed.url);
  slot.markSwitch();
}

async function play(): Promise<void> {
  const mine = ++attempt;
  stopPlayback();
  showError(undefined);
  showNotice(undefined);
  showSession(undefined);
  if (checked('protocol') === 'WEBRTC') return playViewer(mine);
  setState('requesting', 'requesting session');
  const current = createSessionRenewal({
    client: brokerClient(mine),
    streamName: ui.stream.value.trim(),
    request: sessionRequest(),
    onSession: (s, { renewed }) => mine === attempt && renewed && adoptRenewal(s),
    onError: (error, { willRetry }) => {
      if (mine !== attempt) return;
      const next = willRetry ? 'trying again' : 'playback stops when the session expires';
      showNotice(`Renewal failed: ${describeError(error)}; ${next}`);
    },
  });
  let first: Session;
  try {
    first = await current.start();
  } catch (error) {
    if (mine === attempt) showError(describeError(error));
    return;
  }
  if (mine !== attempt) {
    current.stop(); // a newer Play or Stop won
    return;
  }
  renewal = current;
  showSession(first);
  showNotice(undefined);
  setState('loading', 'loading media');
  const video = slot.element;
  playback =
    first.protocol === 'HLS'
      ? playHls(video, first.url, fail)
      : playDash(video, first.url, fail, first.playbackMode);
}

/** WebRTC mode (webrtc.ts): one signed viewer connection, nothing to renew once it is open. */
async function playViewer(mine: number): Promise<void> {
  setState('requesting', 'requesting viewer connection');
  let answer: WebrtcViewerAnswer;
  try {
    answer = await brokerClient(mine).webrtc(ui.stream.value.trim());
  } catch (error) {
    if (mine === attempt) showError(describeError(error));
    return;
  }
  if (mine !== attempt) return;
  ui.response.textContent = shownAnswer(answer);
  setState('loading', 'connecting');
  playback = playWebrtc(slot.element, answer, fail);
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
    showNotice(undefined);
    setState('stopped');
  });
  // errors are shown by the renewal's onError
  ui.renew.addEventListener('click', () => void renewal?.renewNow().catch(() => undefined));
  ui.mint.addEventListener('click', () => void mintDevToken());
  ui.token.addEventListener('change', () => void loadStreams());
  ui.lastMinutes.addEventListener('click', () => useLastMinutes());
  ui.form.addEventListener('change', syncForm);
  ui.copyUrl.addEventListener('click', () => {
    if (session) void navigator.clipboard.writeText(session.url);
  });

  useLastMinutes();
  syncForm();
  wireClip(wireTimeline()); // the archive panel (timeline.ts, clip.ts)
  wireGrid();
  setInterval(
    () => renderStats({ slot, playback, session, renewals: { ...renewals, nextAt: renewal?.nextRenewalAt } }),
    250,
  );
  document.body.dataset.ready = 'true';
}

wire();
