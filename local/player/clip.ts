// The clip button of the player page: downloads the range selected on the timeline (at most 1 h, the clip route's
// bound) as the MP4 file the broker names, and shows it in a preview video so it can be checked at once.
import { CLIP_MAX_RANGE_MS } from '../../lambda/core/archive-limits';
import type { TimelineController, TimelineView } from './timeline';
import { pageClient } from './timeline';
import { byId, describeError } from './ui';

const el = {
  button: byId<HTMLButtonElement>('clip-download'),
  info: byId('clip-info'),
  preview: byId<HTMLVideoElement>('clip-preview'),
};

const clockText = (t: number) => new Date(t).toLocaleTimeString();

/** The selection, cut to its first hour. */
function clipRange(view: TimelineView): { fromMs: number; toMs: number } | undefined {
  const s = view.selection;
  if (!s || s.toMs <= s.fromMs) return undefined;
  return { fromMs: s.fromMs, toMs: Math.min(s.toMs, s.fromMs + CLIP_MAX_RANGE_MS) };
}

/** Saves a Blob under a name, as a browser downloads a link with `download`. */
function save(url: string, fileName: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}

export function wireClip(timeline: TimelineController): void {
  let objectUrl: string | undefined;
  timeline.onSelection((view) => {
    const range = clipRange(view);
    el.button.disabled = range === undefined;
    el.info.textContent = range
      ? `Clip of ${view.stream}, ${clockText(range.fromMs)} – ${clockText(range.toMs)}${range.toMs < view.selection!.toMs ? ' (the first hour)' : ''}.`
      : 'Drag on the timeline to select up to 1 hour.';
  });
  el.button.addEventListener('click', () => {
    const view = timeline.view;
    const range = view && clipRange(view);
    if (!view || !range) return;
    el.button.disabled = true;
    el.info.textContent = 'Downloading…';
    void (async () => {
      try {
        const clip = await pageClient().clip(view.stream, {
          from: new Date(range.fromMs),
          to: new Date(range.toMs),
        });
        const blob = await clip.blob();
        if (objectUrl) URL.revokeObjectURL(objectUrl);
        objectUrl = URL.createObjectURL(blob);
        save(objectUrl, clip.fileName);
        el.preview.hidden = false;
        el.preview.src = objectUrl;
        el.preview.dataset.fileName = clip.fileName;
        el.info.textContent = `Downloaded ${clip.fileName} (${Math.round(blob.size / 1024)} KB).`;
      } catch (error) {
        el.info.textContent = `Could not download the clip: ${describeError(error)}`;
      } finally {
        el.button.disabled = false;
      }
    })();
  });
}
