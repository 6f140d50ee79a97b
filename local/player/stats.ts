// The numbers under the video, refreshed four times a second. data-* attributes carry them for tests.
import type { Session } from '../../client';
import type { Playback } from './players';
import { ui } from './ui';
import type { VideoSlot } from './video';

export interface StatsView {
  slot: VideoSlot;
  playback: Playback | undefined;
  session: Session | undefined;
  renewals: { count: number; last?: 'swapped' | 'reloaded'; nextAt?: number };
}

const seconds = (s: number): string => `${s.toFixed(2)} s`;

function clock(ms: number): string {
  const left = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
}

function buffered(video: HTMLVideoElement): string {
  let ahead = 0;
  let total = 0;
  for (let i = 0; i < video.buffered.length; i++) {
    const [from, to] = [video.buffered.start(i), video.buffered.end(i)];
    total += to - from;
    if (video.currentTime >= from && video.currentTime <= to) ahead = to - video.currentTime;
  }
  const ranges = video.buffered.length;
  return ranges > 0
    ? `${ahead.toFixed(1)} s ahead (${total.toFixed(1)} s in ${ranges} range${ranges > 1 ? 's' : ''})`
    : '–';
}

export function renderStats({ slot, playback, session, renewals }: StatsView): void {
  const video = slot.element;
  const active = playback !== undefined;
  ui.currentTime.dataset.seconds = String(video.currentTime);
  ui.currentTime.textContent = active ? seconds(video.currentTime) : '–';
  ui.played.dataset.seconds = String(slot.playedSeconds);
  ui.played.textContent = active ? seconds(slot.playedSeconds) : '–';
  ui.buffered.textContent = buffered(video);
  ui.resolution.textContent = video.videoWidth > 0 ? `${video.videoWidth}×${video.videoHeight}` : '–';
  const latency = playback?.latency();
  ui.latency.textContent = latency !== undefined && latency > 0 ? seconds(latency) : '–';
  const quality = video.getVideoPlaybackQuality();
  ui.dropped.textContent = active ? `${quality.droppedVideoFrames} / ${quality.totalVideoFrames}` : '–';

  ui.renewals.dataset.count = String(renewals.count);
  const next =
    renewals.nextAt !== undefined ? `next in ${clock(renewals.nextAt - Date.now())}` : 'none scheduled';
  ui.renewals.textContent = active
    ? `${renewals.count}${renewals.last ? ` (last ${renewals.last})` : ''}, ${next}`
    : '–';
  const stall = slot.longestStallMs();
  ui.stall.dataset.ms = stall === undefined ? '' : String(Math.round(stall));
  ui.stall.textContent = stall === undefined ? '–' : `${Math.round(stall)} ms`;

  if (session !== undefined) {
    const left = Date.parse(session.expiresAt) - Date.now();
    ui.expiresAt.textContent =
      left > 0 ? `expires ${session.expiresAt} (in ${clock(left)})` : `expired at ${session.expiresAt}`;
  } else {
    ui.expiresAt.textContent = '';
  }
}
