// Request and byte counters, named as KVS's CloudWatch metrics so tests can compare them with what we meter.
import { KVS_PLAYBACK_BYTE_METRICS, type KvsPlaybackByteMetric } from '../../lambda/core/telemetry';

/** KVS playback byte metrics (namespace AWS/KinesisVideo, dimension StreamName). */
export const OUTGOING_BYTES_METRICS = KVS_PLAYBACK_BYTE_METRICS;
export type OutgoingBytesMetric = KvsPlaybackByteMetric;

export interface KvsEmulatorStats {
  /** Calls per KVS operation name (API operations and media requests such as GetDASHManifest), whatever the outcome. */
  requests: Record<string, number>;
  /** Calls answered with ClientLimitExceededException, per operation. */
  throttled: Record<string, number>;
  /** Errors answered, per KVS exception name. */
  errors: Record<string, number>;
  /** Media bytes served per stream, all metrics together. */
  outgoingBytes: Record<string, number>;
  /** Media bytes served per stream and metric. */
  outgoingBytesByMetric: Record<string, Partial<Record<OutgoingBytesMetric, number>>>;
}

/** Bytes served in one minute, for one stream and metric: what CloudWatch would hold at a 60 s period. */
export interface OutgoingBytesSample {
  /** Start of the minute, epoch ms. */
  minuteMs: number;
  stream: string;
  metric: OutgoingBytesMetric;
  bytes: number;
}

/** Minutes of samples kept (a week: the usage report's usual window); older minutes are dropped first. */
const SERIES_MAX_SAMPLES = 7 * 24 * 60 * 8;

function bump(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

export class StatsRecorder {
  private readonly data: KvsEmulatorStats = {
    requests: {},
    throttled: {},
    errors: {},
    outgoingBytes: {},
    outgoingBytesByMetric: {},
  };
  private readonly series = new Map<string, OutgoingBytesSample>();

  /** @param now the emulator's clock, which stamps the per-minute series */
  constructor(private readonly now: () => number = Date.now) {}

  request(operation: string): void {
    bump(this.data.requests, operation);
  }

  error(operation: string, errorType: string): void {
    bump(this.data.errors, errorType);
    if (errorType === 'ClientLimitExceededException') bump(this.data.throttled, operation);
  }

  outgoingBytes(stream: string, bytes: number, metric: OutgoingBytesMetric): void {
    if (!Number.isFinite(bytes) || bytes < 0)
      throw new TypeError(`recordOutgoingBytes: bytes must be >= 0, got ${bytes}`);
    if (!OUTGOING_BYTES_METRICS.includes(metric)) {
      throw new TypeError(`recordOutgoingBytes: metric must be one of ${OUTGOING_BYTES_METRICS.join(', ')}`);
    }
    bump(this.data.outgoingBytes, stream, bytes);
    const byMetric = (this.data.outgoingBytesByMetric[stream] ??= {});
    byMetric[metric] = (byMetric[metric] ?? 0) + bytes;
    const minuteMs = Math.floor(this.now() / 60_000) * 60_000;
    const key = `${minuteMs}\u0000${stream}\u0000${metric}`;
    const sample = this.series.get(key) ?? { minuteMs, stream, metric, bytes: 0 };
    sample.bytes += bytes;
    this.series.set(key, sample);
    if (this.series.size > SERIES_MAX_SAMPLES) this.series.delete(this.series.keys().next().value!);
  }

  /** Bytes per minute, stream and metric, oldest first (copies). */
  outgoingBytesSeries(): OutgoingBytesSample[] {
    return [...this.series.values()].map((s) => ({ ...s }));
  }

  /** A deep copy, so callers can compare snapshots taken before and after. */
  snapshot(): KvsEmulatorStats {
    return structuredClone(this.data);
  }
}
