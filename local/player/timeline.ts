// The archive timeline bar of the player page: where the selected stream has media over the last minutes (the
// timeline route; its gaps drawn as gaps), a thumbnail on hover (thumbs.ts), a click that plays ON_DEMAND from the
// clicked instant through the session form, and a drag that selects a range for a clip (clip.ts).
import { createBrokerClient, type BrokerClient } from '../../client';
import { toLocalInput } from './form';
import { createThumbnails } from './thumbs';
import { byId, describeError, ui } from './ui';

/** What the bar shows: the range asked, its media intervals (epoch ms), and what a drag selected. */
export interface TimelineView {
  stream: string;
  fromMs: number;
  toMs: number;
  intervals: { startMs: number; endMs: number }[];
  selection?: { fromMs: number; toMs: number };
}

/** Timeline requests per load: each answers at most 10 KVS pages (docs/api.md), so 24 h takes a few. */
const MAX_REQUESTS = 30;
/** A pointer that moved less than this between down and up clicked rather than dragged. */
const CLICK_PX = 4;

const el = {
  span: byId<HTMLSelectElement>('timeline-span'),
  load: byId<HTMLButtonElement>('timeline-load'),
  info: byId('timeline-info'),
  root: byId('timeline'),
  bar: byId('timeline-bar'),
  scale: byId('timeline-scale'),
};

export const pageClient = (): BrokerClient =>
  createBrokerClient({ baseUrl: '', token: () => ui.token.value.trim() });

const ms = (iso: string) => Date.parse(iso);
const clockText = (t: number) => new Date(t).toLocaleTimeString();

/** The whole range, answer after answer while the broker says `truncated`; touching pieces joined. */
async function loadIntervals(stream: string, fromMs: number, toMs: number) {
  const intervals: { startMs: number; endMs: number }[] = [];
  let requests = 0;
  let answeredTo = fromMs;
  const pages = pageClient().timelinePages(stream, { from: new Date(fromMs), to: new Date(toMs) });
  for await (const answer of pages) {
    requests += 1;
    for (const x of answer.intervals) {
      const i = { startMs: ms(x.start), endMs: ms(x.end) };
      const last = intervals.at(-1);
      if (last && i.startMs <= last.endMs) last.endMs = Math.max(last.endMs, i.endMs);
      else intervals.push(i);
    }
    answeredTo = ms(answer.to);
    if (requests >= MAX_REQUESTS) break;
  }
  return { intervals, answeredTo, requests };
}

function span(view: TimelineView, className: string, startMs: number, endMs: number): HTMLSpanElement {
  const range = view.toMs - view.fromMs;
  const s = document.createElement('span');
  s.className = className;
  s.style.left = `${((startMs - view.fromMs) / range) * 100}%`;
  s.style.width = `${Math.max(((endMs - startMs) / range) * 100, 0.15)}%`;
  s.dataset.start = new Date(startMs).toISOString();
  s.dataset.end = new Date(endMs).toISOString();
  s.title = `${className === 'timeline-gap' ? 'No media' : 'Media'} ${clockText(startMs)} – ${clockText(endMs)}`;
  return s;
}

/** Media and gaps as spans: the gaps are what is left of the range between the intervals. */
export function renderTimeline(view: TimelineView, playheadMs?: number): void {
  const spans: HTMLSpanElement[] = [];
  let at = view.fromMs;
  for (const i of view.intervals) {
    if (i.startMs > at) spans.push(span(view, 'timeline-gap', at, i.startMs));
    spans.push(span(view, 'timeline-media', i.startMs, i.endMs));
    at = i.endMs;
  }
  if (at < view.toMs) spans.push(span(view, 'timeline-gap', at, view.toMs));
  if (view.selection)
    spans.push(span(view, 'timeline-selection', view.selection.fromMs, view.selection.toMs));
  if (playheadMs !== undefined && playheadMs >= view.fromMs && playheadMs <= view.toMs) {
    const head = span(view, 'timeline-playhead', playheadMs, playheadMs);
    head.id = 'timeline-playhead';
    head.dataset.mediaMs = String(Math.round(playheadMs));
    spans.push(head);
  }
  el.bar.replaceChildren(...spans);
  el.bar.dataset.fromMs = String(view.fromMs);
  el.bar.dataset.toMs = String(view.toMs);
  el.bar.dataset.stream = view.stream;
}

/** The instant under a pointer, floored to the second (the session form's precision). */
function instantAt(view: TimelineView, clientX: number): number {
  const rect = el.bar.getBoundingClientRect();
  const ratio = Math.min(1, Math.max(0, (clientX - rect.left) / rect.width));
  return Math.floor((view.fromMs + ratio * (view.toMs - view.fromMs)) / 1000) * 1000;
}

export interface TimelineController {
  readonly view: TimelineView | undefined;
  /** Told when a drag selects a range (or a new load clears it). */
  onSelection(listener: (view: TimelineView) => void): void;
}

/** Plays ON_DEMAND from `startMs` to the end of the bar's range, through the page's own session form. */
function playFrom(view: TimelineView, startMs: number): void {
  document.querySelector<HTMLInputElement>('input[name="mode"][value="ON_DEMAND"]')!.checked = true;
  ui.stream.value = view.stream;
  ui.start.value = toLocalInput(startMs);
  ui.end.value = toLocalInput(view.toMs);
  ui.form.dispatchEvent(new Event('change'));
  ui.form.requestSubmit();
}

/** Where the main video is in media time, while it plays a session the bar started. */
function playheadOf(playedFrom: number | undefined): number | undefined {
  const video = document.querySelector<HTMLVideoElement>('.screen video');
  if (playedFrom === undefined || !video || document.body.dataset.state !== 'playing') return undefined;
  return playedFrom + video.currentTime * 1000;
}

// eslint-disable-next-line max-lines-per-function -- the bar's pointer handlers share its view and drag state
export function wireTimeline(): TimelineController {
  let view: TimelineView | undefined;
  let playedFrom: number | undefined;
  let drag: { x: number; t: number } | undefined;
  let ours = false;
  let loads = 0;
  const listeners: ((v: TimelineView) => void)[] = [];
  const thumbs = createThumbnails(pageClient);
  const select = (v: TimelineView) => listeners.forEach((l) => l(v));

  async function load(): Promise<void> {
    const mine = ++loads;
    const stream = ui.stream.value.trim();
    const toMs = Math.floor(Date.now() / 1000) * 1000;
    const fromMs = toMs - Number(el.span.value) * 60_000;
    el.info.textContent = `Loading the timeline of ${stream}…`;
    try {
      const { intervals, answeredTo, requests } = await loadIntervals(stream, fromMs, toMs);
      if (mine !== loads) return;
      view = { stream, fromMs, toMs: answeredTo, intervals };
      playedFrom = undefined;
      el.root.hidden = false;
      renderTimeline(view);
      el.scale.replaceChildren(
        ...[fromMs, (fromMs + answeredTo) / 2, answeredTo].map((t) => {
          const label = document.createElement('span');
          label.textContent = clockText(t);
          return label;
        }),
      );
      const gaps = el.bar.querySelectorAll('.timeline-gap').length;
      el.info.textContent = `${stream}: ${intervals.length} recorded ${intervals.length === 1 ? 'piece' : 'pieces'}, ${gaps} ${gaps === 1 ? 'gap' : 'gaps'} (${requests} ${requests === 1 ? 'request' : 'requests'}). Hover for a thumbnail, click to play, drag to select a clip.`;
      select(view);
    } catch (error) {
      if (mine === loads) el.info.textContent = `Could not load the timeline: ${describeError(error)}`;
    }
  }

  el.load.addEventListener('click', () => void load());
  el.bar.addEventListener('pointerdown', (event) => {
    if (!view) return;
    el.bar.setPointerCapture(event.pointerId);
    drag = { x: event.clientX, t: instantAt(view, event.clientX) };
  });
  el.bar.addEventListener('pointermove', (event) => {
    if (!view) return;
    const t = instantAt(view, event.clientX);
    if (drag && Math.abs(event.clientX - drag.x) >= CLICK_PX) {
      view.selection = { fromMs: Math.min(drag.t, t), toMs: Math.max(drag.t, t) };
      renderTimeline(view, playheadOf(playedFrom));
      return;
    }
    const rect = el.bar.getBoundingClientRect();
    const recorded = view.intervals.some((i) => t >= i.startMs && t < i.endMs);
    thumbs.show(view.stream, t, event.clientX - rect.left, recorded);
  });
  el.bar.addEventListener('pointerleave', () => thumbs.hide());
  el.bar.addEventListener('pointerup', (event) => {
    if (!view || !drag) return;
    const clicked = Math.abs(event.clientX - drag.x) < CLICK_PX;
    const t = drag.t;
    drag = undefined;
    if (!clicked) return select(view);
    ours = true;
    playFrom(view, t);
    playedFrom = t;
  });
  // the user's own Play: the playhead no longer follows the bar's session
  ui.form.addEventListener('submit', () => {
    if (!ours) playedFrom = undefined;
    ours = false;
  });
  let lastHead: number | undefined;
  setInterval(() => {
    const head = playheadOf(playedFrom);
    if (view && (head !== undefined || lastHead !== undefined)) renderTimeline(view, head);
    lastHead = head;
  }, 500);
  return {
    get view() {
      return view;
    },
    onSelection: (listener) => listeners.push(listener),
  };
}
