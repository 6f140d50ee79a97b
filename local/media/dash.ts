// GetDASHManifest: the MPEG-DASH MPD of a session, dynamic for LIVE and LIVE_REPLAY, static for ON_DEMAND.
import type { ManifestInput } from './manifest';
import { query, Resource, VIDEO_TRACK_NUMBER } from './resources';
import { defaultMaxFragmentResults } from './session';
import { firstRequestedFragment, replayOriginMs, type ListedFragment } from './timeline';

/**
 * Namespace of the kvs:fn and kvs:ts attributes. KVS documents the attribute names but not their
 * namespace URI; this one is ours, and players that do not know it ignore the attributes.
 */
export const KVS_DASH_NAMESPACE = 'urn:aws:kinesisvideo:dash:2018';

const XML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => XML_ENTITIES[c]!);
}

/** xs:duration in seconds, e.g. PT2S, PT0.5S. */
export function xsDuration(ms: number): string {
  return `PT${Number((ms / 1000).toFixed(3))}S`;
}

/** xs:dateTime in UTC with milliseconds. */
export function xsDateTime(ms: number): string {
  return new Date(ms).toISOString();
}

function attributes(values: Readonly<Record<string, string | number | undefined>>): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('');
}

/**
 * How the media timeline meets the wall clock: `origin` is the media time (in timescale ticks) at presentation
 * time 0. ON_DEMAND: the session's first fragment. LIVE: media time is epoch time, so availabilityStartTime is the
 * epoch and a fragment becomes available as the clock passes its end. LIVE_REPLAY: the replay's first fragment
 * ends when it is first listed (see replayOriginMs), and origin maps the original timestamps onto that; the same
 * anchor on every refresh.
 */
interface Anchor {
  readonly availabilityStartMs?: number;
  readonly origin: bigint;
}

function anchorOf(input: ManifestInput, ticksPerFragment: bigint): Anchor {
  const { session, media, fragments } = input;
  switch (session.playbackMode) {
    case 'ON_DEMAND':
      return { origin: BigInt(fragments.firstInSession) * ticksPerFragment };
    case 'LIVE':
      return { availabilityStartMs: 0, origin: 0n };
    case 'LIVE_REPLAY':
      return {
        availabilityStartMs: replayOriginMs(session, media.fragmentDurationMs) - media.fragmentDurationMs,
        origin: BigInt(firstRequestedFragment(session, media.fragmentDurationMs)) * ticksPerFragment,
      };
  }
}

/**
 * One Period per run of listed fragments (fragments with no recording gap between them), each with its own
 * SegmentTemplate: its presentationTimeOffset is the run's first fragment's media time and its start is where that
 * lies in the presentation, so the gaps stay where the fragments' decode times (tfdt) and the wall clock put them.
 * Why not one SegmentTimeline with a `t` after each gap: dash.js asks for the segment at the end of the one it
 * has (getSegmentByTime), finds none in a gap and takes that as the end of the media; across Periods it moves to
 * the next one, the way DASH marks a discontinuity. The id is the run's first fragment, the same on every refresh.
 *
 * $Number$ is the fragment's number in the session (ListedFragment.sequence), not its KVS fragment number, as
 * KVS does ("Fragments are identified in the manifest file based on their sequence number in the session",
 * GetDASHStreamingSessionURL, DisplayFragmentNumber; kvs:fn carries the fragment number): the media hook maps
 * it back to its fragment (timeline.ts fragmentOfSequence). Session numbers run on across gaps, and one
 * numbering for the whole session keeps a segment's URL the same in every manifest that lists it.
 */
function periods(input: ManifestInput, anchor: Anchor, ticksPerFragment: bigint): string[] {
  const { session, sessionToken, fragments, media } = input;
  const showTimestamp = session.displayFragmentTimestamp === 'ALWAYS';
  const showNumber = session.displayFragmentNumber === 'ALWAYS';
  const tokenAndTrack = query({ SessionToken: sessionToken, TrackNumber: VIDEO_TRACK_NUMBER });
  const runs: ListedFragment[][] = [];
  for (const fragment of fragments.listed) {
    const run = runs.at(-1);
    if (run !== undefined && run[0]!.runStart === fragment.runStart) run.push(fragment);
    else runs.push([fragment]);
  }
  const representation = representationAttributes(media);
  return runs.flatMap((run) => {
    const offset = BigInt(run[0]!.runStart) * ticksPerFragment;
    const template = attributes({
      timescale: media.video.timescale,
      presentationTimeOffset: offset === 0n ? undefined : offset.toString(),
      startNumber: run[0]!.sequence,
      initialization: `${Resource.GetMP4InitFragment}?${tokenAndTrack}`,
      media: `${Resource.GetMP4MediaFragment}?FragmentNumber=$Number$&${tokenAndTrack}`,
    });
    const timeline = run.map(
      (fragment, i) =>
        `            <S${attributes({
          t: i === 0 ? (BigInt(fragment.fragmentNumber) * ticksPerFragment).toString() : undefined,
          d: ticksPerFragment.toString(),
          'kvs:fn': showNumber ? fragment.fragmentNumber : undefined,
          'kvs:ts': showTimestamp ? fragment.startMs : undefined,
        })}/>`,
    );
    const startMs = Number(offset - anchor.origin) / (media.video.timescale / 1000);
    return [
      `  <Period id="${run[0]!.runStart}" start="${xsDuration(startMs)}">`,
      `    <AdaptationSet id="0" contentType="video" mimeType="video/mp4" segmentAlignment="true" startWithSAP="1">`,
      `      <Representation${representation}>`,
      `        <SegmentTemplate${template}>`,
      `          <SegmentTimeline>`,
      ...timeline,
      `          </SegmentTimeline>`,
      `        </SegmentTemplate>`,
      `      </Representation>`,
      `    </AdaptationSet>`,
      `  </Period>`,
    ];
  });
}

/**
 * A dynamic MPD's time-shift window: the cap's worth of fragments, or more when recording gaps spread the listed
 * ones wider, so that the oldest listed fragment is still inside it (players skip segments outside it).
 */
function shiftBufferDepthMs(input: ManifestInput, anchor: Anchor, ticksPerFragment: bigint): number {
  const { session, nowMs, fragments, media } = input;
  const durationMs = media.fragmentDurationMs;
  const cap = session.maxFragmentResults ?? defaultMaxFragmentResults(session.playbackMode);
  const firstTicks = BigInt(fragments.listed[0]!.fragmentNumber) * ticksPerFragment - anchor.origin;
  const firstAvailableMs =
    (anchor.availabilityStartMs ?? 0) + Number(firstTicks) / (media.video.timescale / 1000);
  return Math.max(cap, Math.floor((nowMs - firstAvailableMs) / durationMs)) * durationMs;
}

/**
 * Where a dynamic MPD asks players to start: 3 fragments behind the clock, unless that point falls in a recording
 * gap; then in the middle of the newest listed run of two fragments or more (or of the newest run), so that the
 * clock offsets players apply (UTCTiming, request time) still land on media. dash.js starts at the clock minus
 * this delay, finds no segment in a gap and waits there without playing, and it refreshes the MPD only once it
 * plays, so it would wait for ever.
 */
function presentationDelayMs(input: ManifestInput, anchor: Anchor, ticksPerFragment: bigint): number {
  const { nowMs, fragments, media } = input;
  const durationMs = media.fragmentDurationMs;
  const wallClockStartMs = (fragment: ListedFragment) =>
    (anchor.availabilityStartMs ?? 0) +
    Number(BigInt(fragment.fragmentNumber) * ticksPerFragment - anchor.origin) /
      (media.video.timescale / 1000);
  const target = nowMs - 3 * durationMs;
  const listed = fragments.listed;
  if (listed.some((f) => wallClockStartMs(f) <= target && target < wallClockStartMs(f) + durationMs)) {
    return 3 * durationMs;
  }
  const runs = new Map<number, ListedFragment[]>();
  for (const f of listed) runs.set(f.runStart, [...(runs.get(f.runStart) ?? []), f]);
  const newestFirst = [...runs.values()].reverse();
  const run = newestFirst.find((r) => r.length >= 2) ?? newestFirst[0]!;
  return nowMs - (wallClockStartMs(run[0]!) + (run.length * durationMs) / 2);
}

function representationAttributes(media: ManifestInput['media']): string {
  const { video } = media;
  return attributes({
    id: VIDEO_TRACK_NUMBER,
    codecs: video.codecs,
    bandwidth: media.peakBitrate.mp4,
    width: video.width,
    height: video.height,
    frameRate: video.frameRate,
    sar: '1:1',
  });
}

/** The MPD for what `fragments` lists. Throws when it lists nothing: the caller answers that with a 404. */
export function buildDashManifest(input: ManifestInput): string {
  const { session, nowMs, fragments, media } = input;
  const listed = fragments.listed;
  if (listed.length === 0) throw new RangeError('a manifest needs at least one fragment');
  const durationMs = media.fragmentDurationMs;
  const timescale = media.video.timescale;
  const ticksPerFragment = BigInt((durationMs * timescale) / 1000);
  const showTimestamp = session.displayFragmentTimestamp === 'ALWAYS';
  const showNumber = session.displayFragmentNumber === 'ALWAYS';

  const isStatic = session.playbackMode === 'ON_DEMAND';
  const anchor = anchorOf(input, ticksPerFragment);
  const presentationEndMs =
    Number(BigInt(listed.at(-1)!.fragmentNumber + 1) * ticksPerFragment - anchor.origin) / (timescale / 1000);

  const mpd = attributes({
    xmlns: 'urn:mpeg:dash:schema:mpd:2011',
    'xmlns:kvs': showTimestamp || showNumber ? KVS_DASH_NAMESPACE : undefined,
    profiles: 'urn:mpeg:dash:profile:isoff-live:2011',
    type: isStatic ? 'static' : 'dynamic',
    availabilityStartTime:
      anchor.availabilityStartMs === undefined ? undefined : xsDateTime(anchor.availabilityStartMs),
    publishTime: isStatic ? undefined : xsDateTime(nowMs),
    // an ended replay stops updating and says where it ends (DASH-IF IOP: ending a live service)
    minimumUpdatePeriod: isStatic || fragments.ended ? undefined : xsDuration(durationMs),
    mediaPresentationDuration: isStatic || fragments.ended ? xsDuration(presentationEndMs) : undefined,
    timeShiftBufferDepth: isStatic
      ? undefined
      : xsDuration(shiftBufferDepthMs(input, anchor, ticksPerFragment)),
    suggestedPresentationDelay: isStatic
      ? undefined
      : xsDuration(presentationDelayMs(input, anchor, ticksPerFragment)),
    minBufferTime: xsDuration(2 * durationMs),
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<MPD${mpd}>`,
    ...periods(input, anchor, ticksPerFragment),
    // the emulator's clock is the one that counts: players sync to it instead of a public time server
    ...(isStatic
      ? []
      : [`  <UTCTiming schemeIdUri="urn:mpeg:dash:utc:direct:2014" value="${xsDateTime(nowMs)}"/>`]),
    '</MPD>',
    '',
  ].join('\n');
}
