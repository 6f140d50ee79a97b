// Request and byte counters, named as KVS's CloudWatch metrics so tests can compare them with what we meter.

/** KVS playback byte metrics (namespace AWS/KinesisVideo, dimension StreamName). */
export const OUTGOING_BYTES_METRICS = [
  'GetMP4MediaFragment.OutgoingBytes',
  'GetTSFragment.OutgoingBytes',
  'GetClip.OutgoingBytes',
] as const;
export type OutgoingBytesMetric = (typeof OUTGOING_BYTES_METRICS)[number];

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
  }

  /** A deep copy, so callers can compare snapshots taken before and after. */
  snapshot(): KvsEmulatorStats {
    return structuredClone(this.data);
  }
}
