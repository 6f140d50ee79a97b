// The per-client-IP rate limit as the deployed AWS WAF rate-based rule applies it (SECURITY.md, Floods): a
// sliding window of `windowSeconds` per source address, counted in one-second slots so that memory stays bounded
// (at most `windowSeconds` counters per address, and addresses idle for a whole window are forgotten).
import type { RateLimitSettings } from '../../lambda/contract/waf';

interface Counter {
  /** Requests per whole second (epoch second -> count), only seconds inside the window. */
  slots: Map<number, number>;
  lastSecond: number;
}

/**
 * `admit(ip, nowMs)` counts the request and says whether it may pass: the first `limit` requests of any window pass,
 * the rest are refused. Refused requests count too, so an address that keeps flooding stays refused until it slows
 * down (WAF blocks "additional requests" while the counted rate is over the limit). WAF itself re-checks the rate
 * about every 10 s (AWS WAF developer guide, "Rate-based rule high-level settings"), so a deployed client may exceed
 * the limit for up to that long; this stand-in is exact, which makes tests deterministic.
 */
export function ipRateLimiter(settings: RateLimitSettings) {
  const counters = new Map<string, Counter>();
  let lastSweep = 0;

  function countInWindow(counter: Counter, second: number): number {
    let total = 0;
    for (const [slot, count] of counter.slots) {
      if (slot <= second - settings.windowSeconds) counter.slots.delete(slot);
      else total += count;
    }
    return total;
  }

  function sweep(second: number): void {
    if (second - lastSweep < settings.windowSeconds) return;
    lastSweep = second;
    for (const [ip, counter] of counters) {
      if (counter.lastSecond <= second - settings.windowSeconds) counters.delete(ip);
    }
  }

  return {
    admit(ip: string, nowMs: number): boolean {
      const second = Math.floor(nowMs / 1000);
      sweep(second);
      const counter = counters.get(ip) ?? { slots: new Map<number, number>(), lastSecond: second };
      counters.set(ip, counter);
      counter.slots.set(second, (counter.slots.get(second) ?? 0) + 1);
      counter.lastSecond = Math.max(counter.lastSecond, second);
      return countInWindow(counter, second) <= settings.limit;
    },
    /** Addresses currently tracked (for tests of the memory bound). */
    get size(): number {
      return counters.size;
    },
  };
}
