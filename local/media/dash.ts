// GetDASHManifest: the MPEG-DASH MPD of a session, dynamic for LIVE and LIVE_REPLAY, static for ON_DEMAND.
import type { ManifestInput } from './manifest';
import { query, Resource, VIDEO_TRACK_NUMBER } from './resources';
import { defaultMaxFragmentResults } from './session';
import { firstRequestedFragment, replayOriginMs } from './timeline';

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
 * How the media timeline meets the wall clock. LIVE: media time is epoch time, so
 * availabilityStartTime is the epoch and a fragment becomes available as the clock passes its end.
 * LIVE_REPLAY: the replay's first fragment ends when it is first listed (see replayOriginMs), and the
 * presentationTimeOffset maps the original timestamps onto that; the same anchor on every refresh.
 */
function liveAnchor(
  input: ManifestInput,
  ticksPerFragment: bigint,
): { availabilityStartMs: number; presentationTimeOffset: bigint } {
  const { session, media } = input;
  if (session.playbackMode === 'LIVE') return { availabilityStartMs: 0, presentationTimeOffset: 0n };
  const first = firstRequestedFragment(session, media.fragmentDurationMs);
  return {
    availabilityStartMs: replayOriginMs(session, media.fragmentDurationMs) - media.fragmentDurationMs,
    presentationTimeOffset: BigInt(first) * ticksPerFragment,
  };
}

/**
 * The SegmentTemplate's attributes and its SegmentTimeline lines: one S per listed fragment.
 *
 * $Number$ is the fragment's number in the session (ListedFragment.sequence), not its KVS fragment number, as
 * KVS does ("Fragments are identified in the manifest file based on their sequence number in the session",
 * GetDASHStreamingSessionURL, DisplayFragmentNumber; kvs:fn carries the fragment number). A player numbers the
 * segments of a SegmentTimeline startNumber, startNumber + 1, ... whatever their `t`, so with recording gaps
 * fragment numbers would not do: the segment after a gap would ask for the fragment just after the one before
 * it, which lies in the gap. Session numbers run on across gaps with the segments, and the media hook maps one
 * back to its fragment (timeline.ts fragmentOfSequence). The S after a gap carries its own `t`, the fragment's
 * real start, so the timeline holds the gap where the fragments' decode times (tfdt) put it, and players jump it.
 */
function segmentTemplate(input: ManifestInput, presentationTimeOffset: bigint, ticksPerFragment: bigint) {
  const { session, sessionToken, fragments, media } = input;
  const listed = fragments.listed;
  const showTimestamp = session.displayFragmentTimestamp === 'ALWAYS';
  const showNumber = session.displayFragmentNumber === 'ALWAYS';
  const tokenAndTrack = query({ SessionToken: sessionToken, TrackNumber: VIDEO_TRACK_NUMBER });
  const template = attributes({
    timescale: media.video.timescale,
    presentationTimeOffset: presentationTimeOffset === 0n ? undefined : presentationTimeOffset.toString(),
    startNumber: listed[0]!.sequence,
    initialization: `${Resource.GetMP4InitFragment}?${tokenAndTrack}`,
    media: `${Resource.GetMP4MediaFragment}?FragmentNumber=$Number$&${tokenAndTrack}`,
  });
  const timeline = listed.map(
    (fragment, i) =>
      `            <S${attributes({
        t:
          i === 0 || fragment.afterGap
            ? (BigInt(fragment.fragmentNumber) * ticksPerFragment).toString()
            : undefined,
        d: ticksPerFragment.toString(),
        'kvs:fn': showNumber ? fragment.fragmentNumber : undefined,
        'kvs:ts': showTimestamp ? fragment.startMs : undefined,
      })}/>`,
  );
  return { template, timeline };
}

/**
 * A dynamic MPD's time-shift window: the cap's worth of fragments, or more when recording gaps spread the listed
 * ones wider, so that the oldest listed fragment is still inside it (players skip segments outside it).
 */
function shiftBufferDepthMs(
  input: ManifestInput,
  anchor: { availabilityStartMs?: number; presentationTimeOffset: bigint },
  ticksPerFragment: bigint,
): number {
  const { session, nowMs, fragments, media } = input;
  const durationMs = media.fragmentDurationMs;
  const cap = session.maxFragmentResults ?? defaultMaxFragmentResults(session.playbackMode);
  const firstTicks = BigInt(fragments.listed[0]!.fragmentNumber) * ticksPerFragment - anchor.presentationTimeOffset;
  const firstAvailableMs = (anchor.availabilityStartMs ?? 0) + Number(firstTicks) / (media.video.timescale / 1000);
  return Math.max(cap, Math.floor((nowMs - firstAvailableMs) / durationMs)) * durationMs;
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
  const anchor = isStatic
    ? {
        availabilityStartMs: undefined,
        presentationTimeOffset: BigInt(listed[0]!.fragmentNumber) * ticksPerFragment,
      }
    : liveAnchor(input, ticksPerFragment);
  const presentationEndMs =
    Number(BigInt(listed.at(-1)!.fragmentNumber + 1) * ticksPerFragment - anchor.presentationTimeOffset) /
    (timescale / 1000);

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
    timeShiftBufferDepth: isStatic ? undefined : xsDuration(shiftBufferDepthMs(input, anchor, ticksPerFragment)),
    suggestedPresentationDelay: isStatic ? undefined : xsDuration(3 * durationMs),
    minBufferTime: xsDuration(2 * durationMs),
  });
  const { template, timeline } = segmentTemplate(input, anchor.presentationTimeOffset, ticksPerFragment);
  const representation = representationAttributes(media);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<MPD${mpd}>`,
    `  <Period id="0" start="PT0S">`,
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
    // the emulator's clock is the one that counts: players sync to it instead of a public time server
    ...(isStatic
      ? []
      : [`  <UTCTiming schemeIdUri="urn:mpeg:dash:utc:direct:2014" value="${xsDateTime(nowMs)}"/>`]),
    '</MPD>',
    '',
  ].join('\n');
}
