// The deployed AWS WAF rate-based rules as the local gateway applies them (SECURITY.md, Floods): per rule, a sliding
// window of `windowSeconds` per key (the source address, or the `Authorization` value), counted in one-second slots
// so that memory stays bounded (at most `windowSeconds` counters per key, and keys idle for a whole window are
// forgotten). The rules, their order and their answers come from lambda/contract/waf.ts, as the web ACL's do.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  activeRateLimits,
  rateLimitedResponse,
  TOKEN_KEY_HEADER,
  type RateLimitConfig,
  type RateLimitRule,
  type RateLimitSettings,
} from '../../lambda/contract/waf';

interface Counter {
  /** Requests per whole second (epoch second -> count), only seconds inside the window. */
  slots: Map<number, number>;
  lastSecond: number;
}

/** One rule's counts: a plain record, so that the functions below are module functions over it. */
export interface SlidingWindow {
  readonly settings: RateLimitSettings;
  readonly counters: Map<string, Counter>;
  lastSweep: number;
}

export function slidingWindow(settings: RateLimitSettings): SlidingWindow {
  return { settings, counters: new Map(), lastSweep: 0 };
}

function countInWindow(w: SlidingWindow, counter: Counter, second: number): number {
  let total = 0;
  for (const [slot, count] of counter.slots) {
    if (slot <= second - w.settings.windowSeconds) counter.slots.delete(slot);
    else total += count;
  }
  return total;
}

function sweep(w: SlidingWindow, second: number): void {
  if (second - w.lastSweep < w.settings.windowSeconds) return;
  w.lastSweep = second;
  for (const [key, counter] of w.counters) {
    if (counter.lastSecond <= second - w.settings.windowSeconds) w.counters.delete(key);
  }
}

/**
 * Counts the request and says whether it may pass: the first `limit` requests of any window pass, the rest are
 * refused. Refused requests count too, so a key that keeps flooding stays refused until it slows down (WAF blocks
 * "additional requests" while the counted rate is over the limit). WAF checks the rate frequently but not exactly
 * (AWS WAF developer guide, "Rate-based rule high-level settings"), so a deployed client may exceed the limit
 * briefly; this stand-in is exact, which makes tests deterministic.
 */
export function admit(w: SlidingWindow, key: string, nowMs: number): boolean {
  const second = Math.floor(nowMs / 1000);
  sweep(w, second);
  const counter = w.counters.get(key) ?? { slots: new Map<number, number>(), lastSecond: second };
  w.counters.set(key, counter);
  counter.slots.set(second, (counter.slots.get(second) ?? 0) + 1);
  counter.lastSecond = Math.max(counter.lastSecond, second);
  return countInWindow(w, counter, second) <= w.settings.limit;
}

/** The web ACL: each active rule with its counts and its answer, in WAF's evaluation order. */
export interface WebAcl {
  readonly rules: readonly {
    rule: RateLimitRule;
    window: SlidingWindow;
    blocked: ReturnType<typeof rateLimitedResponse>;
  }[];
}

export function webAcl(config: RateLimitConfig, allowOrigins: readonly string[]): WebAcl {
  return {
    rules: activeRateLimits(config).map(({ rule, settings }) => ({
      rule,
      window: slidingWindow(settings),
      blocked: rateLimitedResponse(rule, settings, allowOrigins),
    })),
  };
}

/**
 * The rule's aggregation key, or undefined when the request lacks it (then WAF does not count it for that rule).
 * A token is kept as its SHA-256, so that memory per key stays small and no token sits in the gateway's memory.
 */
function keyOf(rule: RateLimitRule, req: IncomingMessage): string | undefined {
  if (rule.key === 'ip') return req.socket.remoteAddress ?? '';
  const value = req.headers[TOKEN_KEY_HEADER.toLowerCase()];
  return typeof value === 'string' ? createHash('sha256').update(value).digest('base64') : undefined;
}

/**
 * The answer of the first rule that blocks the request, or undefined when every rule lets it through. A blocked
 * request ends the evaluation (a terminating action), so later rules do not count it.
 */
export function evaluateWebAcl(acl: WebAcl, req: IncomingMessage, nowMs: number) {
  for (const { rule, window, blocked } of acl.rules) {
    const key = keyOf(rule, req);
    if (key !== undefined && !admit(window, key, nowMs)) return blocked;
  }
  return undefined;
}
