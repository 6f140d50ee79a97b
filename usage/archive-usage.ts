// The archive's part of the usage report (docs/api.md, "Archive", "Costs and quotas"): the clips downloaded, as KVS
// meters them (GetClip.OutgoingBytes per stream, already in each stream's bytes), and the images returned, as the
// broker's `kvs-archive` audit lines count them per principal and stream. Images are exact per principal (each
// request is audited with its caller); clip bytes are KVS's per stream.
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { KvsPlaybackByteMetric } from '../lambda/core/telemetry';
import { imagesByPrincipalQuery } from '../lambda/core/telemetry-queries';
import { insightsRows, type Window } from './sources';

const CLIP_METRIC: KvsPlaybackByteMetric = 'GetClip.OutgoingBytes';

// The query lives beside the dashboard's (lambda/core/telemetry-queries.ts): one filter for both.
export { imagesByPrincipalQuery };

export interface ImageRow {
  issuer: string;
  tenant: string;
  sub: string;
  stream: string;
  requests: number;
  images: number;
}

export interface ArchiveUsage {
  /** GetClip.OutgoingBytes per stream: counted in the stream's bytes too, priced as data consumed. */
  clipBytesByStream: Record<string, number>;
  /** Images returned per stream (the audit lines' imagesReturned). */
  imagesByStream: Record<string, number>;
  /** Images returned per principal and stream, sorted by images. */
  images: ImageRow[];
  /** Price of 1,000 images, when given (--price-per-1000-images); unpriced otherwise. */
  pricePer1000Images?: number;
}

export async function imageRows(
  client: CloudWatchLogsClient,
  logGroupNames: string[],
  window: Window,
  stream?: string,
  sleep?: (ms: number) => Promise<void>,
): Promise<ImageRow[]> {
  const rows = await insightsRows(client, logGroupNames, window, imagesByPrincipalQuery(stream), sleep);
  return rows.map((get) => ({
    issuer: get('issuer'),
    tenant: get('tenant'),
    sub: get('sub'),
    stream: get('stream'),
    requests: Number(get('requests')) || 0,
    images: Number(get('images')) || 0,
  }));
}

/** The archive part of a report from the bytes per stream and metric and the image rows. */
export function archiveUsage(
  byStreamMetric: Record<string, Partial<Record<KvsPlaybackByteMetric, number>>>,
  rows: readonly ImageRow[],
  pricePer1000Images?: number,
): ArchiveUsage {
  const clipBytesByStream: Record<string, number> = {};
  for (const [stream, metrics] of Object.entries(byStreamMetric)) {
    const bytes = metrics[CLIP_METRIC];
    if (bytes) clipBytesByStream[stream] = bytes;
  }
  const imagesByStream: Record<string, number> = {};
  for (const row of rows) imagesByStream[row.stream] = (imagesByStream[row.stream] ?? 0) + row.images;
  return {
    clipBytesByStream,
    imagesByStream,
    images: [...rows].sort((a, b) => b.images - a.images || a.sub.localeCompare(b.sub)),
    ...(pricePer1000Images !== undefined ? { pricePer1000Images } : {}),
  };
}

/** The cost of `images` at the given price of 1,000, or undefined when unpriced. */
export function imagesCost(images: number, pricePer1000Images: number | undefined): number | undefined {
  return pricePer1000Images === undefined ? undefined : (images / 1000) * pricePer1000Images;
}
