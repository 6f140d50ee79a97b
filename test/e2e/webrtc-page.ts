// The player page's WebRTC mode seen from outside, for the browser test and the bench (bench/webrtc.ts): an init
// script that keeps every RTCPeerConnection the page makes (to read its getStats), stamps the Play click and the
// first frame each new <video> presents (requestVideoFrameCallback), and samples each frame's receive-to-display
// delay. Nothing here changes what the page does.
import type { Page } from 'playwright-core';

/** What the page's receiver reports (RTCInboundRtpStreamStats, kind video) plus the frame clock. */
export interface ViewerFigures {
  framesDecoded: number;
  /** Seconds, summed over emitted frames (jitterBufferDelay); with jitterBufferEmittedCount gives the mean. */
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
  /** ms from the Play click to the first frame the video presented (requestVideoFrameCallback), if one was. */
  firstFrameMs?: number;
  /** Frames presented since the click, as requestVideoFrameCallback counted them. */
  framesPresented: number;
  /** ms from a frame's last packet received to its expected display, one sample per frame (WebRTC only). */
  receiveToDisplayMs: number[];
}

interface Probe {
  peers: RTCPeerConnection[];
  clickAt?: number;
  firstFrameAt?: number;
  framesPresented: number;
  receiveToDisplayMs: number[];
}

/** Runs in the page before its own script (page.addInitScript). */
function installProbe(): void {
  const probe: Probe = { peers: [], framesPresented: 0, receiveToDisplayMs: [] };
  (globalThis as unknown as { __viewerProbe: Probe }).__viewerProbe = probe;
  const Native = globalThis.RTCPeerConnection;
  globalThis.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      probe.peers.push(this);
    }
  };
  document.addEventListener(
    'click',
    (event) => {
      if ((event.target as Element | null)?.id !== 'play') return;
      probe.clickAt = performance.now();
      probe.firstFrameAt = undefined;
      probe.framesPresented = 0;
      probe.receiveToDisplayMs.length = 0;
    },
    true,
  );
  const watched = new WeakSet<HTMLVideoElement>();
  const watch = (video: HTMLVideoElement) => {
    if (watched.has(video)) return;
    watched.add(video);
    const onFrame: VideoFrameRequestCallback = (now, metadata) => {
      if (!video.isConnected) return; // replaced by the next playback
      probe.framesPresented += 1;
      probe.firstFrameAt ??= metadata.presentationTime;
      if (metadata.receiveTime !== undefined)
        probe.receiveToDisplayMs.push(metadata.expectedDisplayTime - metadata.receiveTime);
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  };
  new MutationObserver(() => document.querySelectorAll('video').forEach(watch)).observe(document, {
    childList: true,
    subtree: true,
  });
}

export async function installViewerProbe(page: Page): Promise<void> {
  // tsx (esbuild's keepNames) wraps named functions in __name(...): the page has no such helper, so give it one
  await page.addInitScript({ content: 'globalThis.__name ??= (f) => f;' });
  await page.addInitScript(installProbe);
}

/** The figures of the page's latest peer connection and video since the last Play click. */
export function viewerFigures(page: Page): Promise<ViewerFigures> {
  return page.evaluate(async () => {
    const probe = (globalThis as unknown as { __viewerProbe: Probe }).__viewerProbe;
    const figures: ViewerFigures = {
      framesDecoded: 0,
      jitterBufferDelay: 0,
      jitterBufferEmittedCount: 0,
      framesPresented: probe.framesPresented,
      receiveToDisplayMs: [...probe.receiveToDisplayMs],
    };
    if (probe.clickAt !== undefined && probe.firstFrameAt !== undefined)
      figures.firstFrameMs = probe.firstFrameAt - probe.clickAt;
    const pc = probe.peers.at(-1);
    if (pc === undefined || pc.connectionState === 'closed') return figures;
    (await pc.getStats()).forEach((report: Record<string, unknown>) => {
      if (report.type !== 'inbound-rtp' || report.kind !== 'video') return;
      figures.framesDecoded = Number(report.framesDecoded ?? 0);
      figures.jitterBufferDelay = Number(report.jitterBufferDelay ?? 0);
      figures.jitterBufferEmittedCount = Number(report.jitterBufferEmittedCount ?? 0);
    });
    return figures;
  });
}

/** Waits until the page's receiver has decoded `frames` video frames (RTCInboundRtpStreamStats.framesDecoded). */
export async function waitForDecodedFrames(page: Page, frames: number, timeoutMs: number): Promise<void> {
  // Polled from here: page.waitForFunction takes the Promise an async predicate returns for a truthy answer
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { framesDecoded } = await viewerFigures(page);
    if (framesDecoded >= frames) return;
    if (Date.now() > deadline)
      throw new Error(`the receiver decoded ${framesDecoded} of ${frames} frames in ${timeoutMs} ms`);
    await page.waitForTimeout(100);
  }
}
