// A token bucket: the rate limit of KVS quotas (emulator) and of API Gateway stage throttling (local gateway).

/** Refills `ratePerSecond` continuously up to `capacity` (KVS: the rate itself; API Gateway: the burst limit). */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly ratePerSecond: number,
    nowMs: number,
    readonly capacity: number = ratePerSecond,
  ) {
    this.tokens = capacity;
    this.last = nowMs;
  }

  available(nowMs: number): number {
    // A clock that steps back (injected clocks do) must not mint or burn tokens.
    const elapsed = Math.max(0, nowMs - this.last);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.ratePerSecond) / 1000);
    this.last = Math.max(this.last, nowMs);
    return this.tokens;
  }

  take(count = 1): void {
    this.tokens -= count;
  }
}
