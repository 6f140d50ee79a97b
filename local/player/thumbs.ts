// Thumbnails over the timeline bar: the images route's picture of the hovered second, asked once the pointer rests a
// moment and kept per second, so moving back and forth asks KVS nothing new; over a gap the timeline already drew,
// "no media" without asking at all.
import type { ArchiveImage, BrokerClient } from '../../client';
import { byId, describeError } from './ui';

/** Pointer rest before asking: a sweep across the bar asks for where it stops, not for every pixel. */
const REST_MS = 120;
const THUMB_WIDTH = 160;
/** Seconds whose thumbnail is kept (a page open all day hovers a lot). */
const MAX_CACHED = 600;

export interface Thumbnails {
  /** `recorded`: whether the timeline has media there; a gap is shown as one without asking KVS (GetImages bills). */
  show(stream: string, atMs: number, x: number, recorded: boolean): void;
  hide(): void;
}

type Shown =
  | { state: 'image'; image: Extract<ArchiveImage, { data: string }> }
  | { state: 'none' | 'error'; text: string };

/** The first image of [atMs, atMs + 1 s], or why there is none. */
async function fetchThumb(client: BrokerClient, stream: string, atMs: number): Promise<Shown> {
  try {
    const page = await client.images(stream, {
      from: new Date(atMs),
      to: new Date(atMs + 1000),
      intervalMs: 1000,
      maxResults: 1,
      width: THUMB_WIDTH,
    });
    const image = page.images[0];
    if (image && 'data' in image) return { state: 'image', image };
    return { state: 'none', text: image ? `No media (${image.error})` : 'No media' };
  } catch (error) {
    return { state: 'error', text: describeError(error) };
  }
}

export function createThumbnails(client: () => BrokerClient): Thumbnails {
  const box = byId<HTMLElement>('timeline-thumb');
  const img = box.querySelector('img')!;
  const caption = box.querySelector('figcaption')!;
  const cache = new Map<string, Promise<Shown>>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current = '';

  function render(key: string, atMs: number, shown: Shown): void {
    if (key !== current) return; // the pointer moved on meanwhile
    box.dataset.state = shown.state;
    box.dataset.atMs = String(atMs);
    const time = new Date(atMs).toLocaleTimeString();
    if (shown.state === 'image') {
      img.hidden = false;
      img.src = `data:${shown.image.contentType};base64,${shown.image.data}`;
      box.dataset.timestamp = shown.image.timestamp;
      caption.textContent = time;
    } else {
      img.hidden = true;
      img.removeAttribute('src');
      delete box.dataset.timestamp;
      caption.textContent = `${time}: ${shown.text}`;
    }
  }

  return {
    show(stream, atMs, x, recorded) {
      box.hidden = false;
      // kept inside the bar: the box is centred on the pointer
      const half = box.offsetWidth / 2;
      const width = box.parentElement?.clientWidth ?? x;
      box.style.left = `${Math.min(Math.max(x, half), Math.max(half, width - half))}px`;
      const key = `${stream}@${atMs}`;
      if (key === current) return;
      current = key;
      box.dataset.state = 'loading';
      caption.textContent = new Date(atMs).toLocaleTimeString();
      clearTimeout(timer);
      if (!recorded) {
        render(key, atMs, { state: 'none', text: 'No media (a gap of the timeline)' });
        return;
      }
      timer = setTimeout(() => {
        let answer = cache.get(key);
        if (!answer) {
          if (cache.size >= MAX_CACHED) cache.clear();
          answer = fetchThumb(client(), stream, atMs);
          cache.set(key, answer);
          // a failure is not kept: the next hover asks again
          void answer.then((s) => s.state === 'error' && cache.delete(key));
        }
        void answer.then((shown) => render(key, atMs, shown));
      }, REST_MS);
    },
    hide() {
      clearTimeout(timer);
      current = '';
      box.hidden = true;
    },
  };
}
