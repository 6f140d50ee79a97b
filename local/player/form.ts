// The session request form: what it asks the API for, and its date inputs.
import type { SessionRequest } from '../../client';
import { ui } from './ui';

export const checked = (name: string): string =>
  document.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`)?.value ?? '';

// <input type="datetime-local"> speaks local wall-clock time without a zone; the API wants ISO 8601 with one.
export function toLocalInput(ms: number): string {
  const offsetMs = new Date(ms).getTimezoneOffset() * 60_000;
  return new Date(ms - offsetMs).toISOString().slice(0, 19);
}

function toIso(value: string): string | undefined {
  const date = new Date(value);
  return value === '' || Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function useLastMinutes(minutes = 5): void {
  const now = Math.floor(Date.now() / 1000) * 1000;
  ui.start.value = toLocalInput(now - minutes * 60_000);
  ui.end.value = toLocalInput(now);
}

export function syncForm(): void {
  ui.hlsOptions.disabled = checked('protocol') !== 'HLS';
  // WebRTC is live only, and its signed URL's expiry is the broker's to choose (docs/api.md)
  const webrtc = checked('protocol') === 'WEBRTC';
  ui.window.disabled = webrtc || checked('mode') === 'LIVE';
  ui.expires.disabled = webrtc;
}

/** The POST body, as the form says; the API itself judges it (the page is a tool to see its answers). */
export function sessionRequest(): SessionRequest {
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
  return body as SessionRequest;
}
