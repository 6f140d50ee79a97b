// The player page's elements, its state badge and its error line. Never shows a session URL's token.
import { isBrokerClientError } from '../../client';

export type State =
  'idle' | 'requesting' | 'retrying' | 'loading' | 'playing' | 'buffering' | 'ended' | 'stopped' | 'error';

export function byId<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`player page: #${id} is missing`);
  return found as T;
}

export const ui = {
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
  renew: byId<HTMLButtonElement>('renew'),
  status: byId('status'),
  error: byId('error'),
  notice: byId('notice'),
  currentTime: byId('current-time'),
  played: byId('played'),
  buffered: byId('buffered'),
  resolution: byId('resolution'),
  latency: byId('latency'),
  dropped: byId('dropped'),
  renewals: byId('renewals'),
  stall: byId('stall'),
  expiresAt: byId('expires-at'),
  copyUrl: byId<HTMLButtonElement>('copy-url'),
  response: byId('response'),
};

/** Session URLs carry their credential in the query: the page shows everything but that. */
export function maskTokens(text: string): string {
  return text.replace(/([?&]SessionToken=)[^&\s"']*/g, '$1…hidden…');
}

export function setState(state: State, label: string = state): void {
  document.body.dataset.state = state;
  ui.status.textContent = label;
}

export function showError(message: string | undefined): void {
  ui.error.hidden = message === undefined;
  ui.error.textContent = message === undefined ? '' : maskTokens(message);
  if (message !== undefined) setState('error');
}

/** A line under the video that does not stop playback (a retry under way, a renewal that failed). */
export function showNotice(message: string | undefined): void {
  ui.notice.hidden = message === undefined;
  ui.notice.textContent = message === undefined ? '' : maskTokens(message);
}

/** `CODE: message (reason)`, whatever failed. */
export function describeError(error: unknown): string {
  if (!isBrokerClientError(error)) return `PLAYER_ERROR: ${(error as Error)?.message ?? String(error)}`;
  return `${error.code}: ${error.message}${error.reason !== undefined ? ` (${error.reason})` : ''}`;
}
