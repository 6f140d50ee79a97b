// The archive routes' bounds (docs/api.md, "Archive"), zod-free: read by the schemas, the parse functions and docs.

/** Modes whose grant reveals recorded media: a live-only grant shows no archive. */
export const ARCHIVE_MODES = ['ON_DEMAND', 'LIVE_REPLAY'] as const;

export const TIMELINE_MAX_RANGE_MS = 24 * 3_600_000;
export const TIMELINE_DEFAULT_GAP_MS = 2000;
export const TIMELINE_MAX_GAP_MS = 60_000;
/** GetImages: EndTimestamp at most 300 s after StartTimestamp (SDK model, GetImagesInput). */
export const IMAGES_MAX_RANGE_MS = 300_000;
/** GetImages: SamplingInterval at least 200 ms (SDK model); at most the range, which then gives one image. */
export const IMAGES_MIN_INTERVAL_MS = 200;
export const IMAGES_DEFAULT_INTERVAL_MS = 3000;
/** GetImages: WidthPixels 1..3840, HeightPixels 1..2160 (SDK model ranges). */
export const IMAGES_MAX_WIDTH = 3840;
export const IMAGES_MAX_HEIGHT = 2160;
export const IMAGES_DEFAULT_WIDTH = 320;
/** GetImages: at most 100 images per request (KVS service quotas), 25 per page by default. */
export const IMAGES_MAX_RESULTS = 100;
export const IMAGES_DEFAULT_MAX_RESULTS = 25;
export const CLIP_MAX_RANGE_MS = 3_600_000;
