// KVS request quotas as token buckets (capacity = rate, continuous refill), so local load is throttled as in AWS.
import { TokenBucket } from '../http/token-bucket';
import { KvsError } from './errors';

export type KvsOperation =
  | 'GetDataEndpoint'
  | 'DescribeStream'
  | 'ListStreams'
  | 'GetDASHStreamingSessionURL'
  | 'GetHLSStreamingSessionURL'
  | 'DescribeSignalingChannel'
  | 'GetSignalingChannelEndpoint'
  | 'GetIceServerConfig'
  | 'ConnectAsViewer';

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
  // KVS WebRTC developer guide, "Amazon Kinesis Video Streams with WebRTC service quotas" (per stream = per channel):
  // control plane, signaling (ConnectAsViewer 3 TPS per channel) and TURN (GetIceServerConfig 5 TPS per channel).
  DescribeSignalingChannel: { perAccountTps: 300, perStreamTps: 5 },
  GetSignalingChannelEndpoint: { perAccountTps: 300 },
  GetIceServerConfig: { perStreamTps: 5 },
  ConnectAsViewer: { perStreamTps: 3 },
};

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
