// KVS request quotas as token buckets (capacity = rate, continuous refill), so local load is throttled as in AWS.
import { TokenBucket } from '../http/token-bucket';
import { KvsError } from './errors';

export type KvsOperation =
  | 'GetDataEndpoint'
  | 'DescribeStream'
  | 'ListStreams'
  | 'GetDASHStreamingSessionURL'
  | 'GetHLSStreamingSessionURL'
  | 'ListFragments'
  | 'GetImages'
  | 'GetClip';

export interface Quota {
  perAccountTps?: number;
  perStreamTps?: number;
}

/** From the KVS developer guide, "Kinesis Video Streams service quotas" (all hard limits). */
export const KVS_QUOTAS: Readonly<Record<KvsOperation, Quota>> = {
  GetDataEndpoint: { perAccountTps: 300, perStreamTps: 5 },
  DescribeStream: { perAccountTps: 300, perStreamTps: 5 },
  ListStreams: { perAccountTps: 50 },
  GetDASHStreamingSessionURL: { perStreamTps: 25 },
  GetHLSStreamingSessionURL: { perStreamTps: 25 },
  // No TPS quota: the archive APIs are throttled by fragment points instead (FRAGMENT_QUOTAS).
  ListFragments: {},
  GetImages: {},
  GetClip: {},
};

export type FragmentPool = 'metadata' | 'media';

/**
 * KVS developer guide, "Kinesis Video Streams service quotas", "Fragment-metadata and fragment-media quotas": the
 * archive APIs are throttled per stream by the fragments they ask for, 10,000 fragment-metadata points and 500
 * fragment-media points per second, shared by the APIs (hard limits). ListFragments costs its MaxResults in
 * metadata; GetImages 400 + its MaxResults in metadata and its MaxResults in media; GetClip the fragments of the
 * clip in both.
 */
export const FRAGMENT_QUOTAS: Readonly<Record<FragmentPool, number>> = { metadata: 10_000, media: 500 };

export type QuotaDecision = { ok: true } | { ok: false; scope: 'account' | 'stream'; limitTps: number };

export class Quotas {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly now: () => number,
    private readonly table: Readonly<Record<KvsOperation, Quota>> = KVS_QUOTAS,
  ) {}

  /** Takes one token from the account and the stream bucket, or from neither when either is empty. */
  tryAcquire(operation: KvsOperation, streamName: string | undefined): QuotaDecision {
    const quota = this.table[operation];
    const nowMs = this.now();
    const wanted: Array<{ bucket: TokenBucket; scope: 'account' | 'stream'; tps: number }> = [];
    if (quota.perAccountTps !== undefined) {
      wanted.push({
        bucket: this.bucket(`${operation}|account`, quota.perAccountTps, nowMs),
        scope: 'account',
        tps: quota.perAccountTps,
      });
    }
    if (quota.perStreamTps !== undefined && streamName !== undefined) {
      wanted.push({
        bucket: this.bucket(`${operation}|stream|${streamName}`, quota.perStreamTps, nowMs),
        scope: 'stream',
        tps: quota.perStreamTps,
      });
    }
    for (const w of wanted) {
      if (w.bucket.available(nowMs) < 1) return { ok: false, scope: w.scope, limitTps: w.tps };
    }
    for (const w of wanted) w.bucket.take();
    return { ok: true };
  }

  /**
   * Takes fragment points from a stream's pools, all or none. A request asking for more than a pool holds in a
   * second can never pass, as in KVS.
   */
  tryConsume(
    streamName: string,
    points: Partial<Record<FragmentPool, number>>,
  ): { ok: true } | { ok: false; pool: FragmentPool; limit: number } {
    const nowMs = this.now();
    const wanted = (Object.keys(points) as FragmentPool[]).map((pool) => ({
      pool,
      count: points[pool] ?? 0,
      bucket: this.bucket(`fragments|${pool}|${streamName}`, FRAGMENT_QUOTAS[pool], nowMs),
    }));
    for (const w of wanted) {
      if (w.bucket.available(nowMs) < w.count)
        return { ok: false, pool: w.pool, limit: FRAGMENT_QUOTAS[w.pool] };
    }
    for (const w of wanted) w.bucket.take(w.count);
    return { ok: true };
  }

  private bucket(key: string, rate: number, nowMs: number): TokenBucket {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = new TokenBucket(rate, nowMs);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}

export function throttled(
  operation: KvsOperation,
  decision: Extract<QuotaDecision, { ok: false }>,
  streamName: string | undefined,
): KvsError {
  const per = decision.scope === 'stream' ? `per stream (${streamName})` : 'per account';
  return new KvsError(
    'ClientLimitExceededException',
    `Kinesis Video Streams has throttled the request because you have exceeded the limit of ` +
      `${decision.limitTps} TPS ${per} for ${operation}. Try making the call later.`,
  );
}

export function fragmentsThrottled(
  operation: KvsOperation,
  streamName: string,
  refusal: { pool: FragmentPool; limit: number },
): KvsError {
  return new KvsError(
    'ClientLimitExceededException',
    `Kinesis Video Streams has throttled the request because you have exceeded the limit of ${refusal.limit} ` +
      `fragment-${refusal.pool} points per second for stream ${streamName} (${operation}). Try making the call later.`,
  );
}
