// Who caused which bytes: KVS meters playback bytes per stream, never per session, so each stream's bytes are shared
// among the principals who held sessions on it, in proportion to their session-seconds (the seconds each session
// was granted for). An ESTIMATE: a session granted is not a session watched. Pure arithmetic, exact in integers.

/** Granted sessions of one principal on one stream (one row of the sessions-by-principal query). */
export interface SessionRow {
  issuer: string;
  sub: string;
  /** The issuer's streamPrefix, or the issuer (lambda/core/audit.ts tenantOf). */
  tenant: string;
  stream: string;
  sessions: number;
  sessionSeconds: number;
}

export interface StreamUsage {
  stream: string;
  bytes: number;
  sessions: number;
  sessionSeconds: number;
  /** Bytes no session in the window accounts for (sessions granted before it, or clients outside the broker). */
  unattributedBytes: number;
}

export interface PrincipalUsage {
  issuer: string;
  sub: string;
  tenant: string;
  sessions: number;
  sessionSeconds: number;
  /** Estimated: this principal's share of each stream's bytes, summed over streams. */
  bytes: number;
  /** The share of each stream, by stream name. */
  bytesByStream: Record<string, number>;
}

export interface TenantUsage {
  tenant: string;
  principals: number;
  sessions: number;
  sessionSeconds: number;
  bytes: number;
}

export interface Attribution {
  streams: StreamUsage[];
  principals: PrincipalUsage[];
  tenants: TenantUsage[];
}

const principalKey = (r: Pick<SessionRow, 'issuer' | 'sub'>) => `${r.issuer}\u0000${r.sub}`;

/** A whole, non-negative number of bytes or seconds (CloudWatch and Logs Insights answer decimals). */
function whole(n: number): bigint {
  return Number.isFinite(n) ? BigInt(Math.max(0, Math.round(n))) : 0n;
}

/**
 * `total` split in proportion to `weights`, in whole units that sum to `total` exactly (largest remainder: each
 * part is its floor, and the units left go to the largest remainders, ties to the earlier index). All weights
 * zero, or a total under one unit (no caller passes a negative one): nothing is split (every part 0).
 */
export function splitProportionally(total: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum === 0n || total < 1n) return weights.map(() => 0n);
  const parts = weights.map((w) => (total * w) / sum);
  let left = total - parts.reduce((a, b) => a + b, 0n);
  // Largest remainder first; Array.prototype.sort is stable (ECMAScript 2019), so equal ones keep index order.
  // Number() keeps the sign of any non-zero bigint difference.
  const order = weights
    .map((w, i) => ({ i, remainder: (total * w) % sum }))
    .sort((a, b) => Number(b.remainder - a.remainder));
  for (const { i } of order) {
    if (left === 0n) break;
    parts[i]! += 1n;
    left -= 1n;
  }
  return parts;
}

/** One usage record per principal (issuer and sub), every stream it held a session on at 0 bytes. */
function principalsOf(rows: readonly SessionRow[]): Map<string, PrincipalUsage> {
  const principals = new Map<string, PrincipalUsage>();
  for (const r of rows) {
    const p = principals.get(principalKey(r)) ?? {
      issuer: r.issuer,
      sub: r.sub,
      tenant: r.tenant,
      sessions: 0,
      sessionSeconds: 0,
      bytes: 0,
      bytesByStream: {},
    };
    p.sessions += Number(whole(r.sessions));
    p.sessionSeconds += Number(whole(r.sessionSeconds));
    p.bytesByStream[r.stream] ??= 0;
    principals.set(principalKey(r), p);
  }
  return principals;
}

/** One stream's bytes shared among the principals on it (added to their records), and the stream's totals. */
function shareStream(
  stream: string,
  bytesByStream: Readonly<Record<string, number>>,
  rows: readonly SessionRow[],
  principals: Map<string, PrincipalUsage>,
): StreamUsage {
  const on = rows.filter((r) => r.stream === stream);
  const bytes = whole(bytesByStream[stream] ?? 0);
  const seconds = on.map((r) => whole(r.sessionSeconds));
  const weights = seconds.some((s) => s > 0n) ? seconds : on.map((r) => whole(r.sessions));
  const shares = splitProportionally(bytes, weights);
  on.forEach((r, i) => {
    const p = principals.get(principalKey(r))!;
    p.bytesByStream[stream] = p.bytesByStream[stream]! + Number(shares[i]!);
    p.bytes += Number(shares[i]!);
  });
  const attributed = shares.reduce((a, b) => a + b, 0n);
  return {
    stream,
    bytes: Number(bytes),
    sessions: on.reduce((a, r) => a + Number(whole(r.sessions)), 0),
    sessionSeconds: Number(seconds.reduce((a, b) => a + b, 0n)),
    unattributedBytes: Number(bytes - attributed),
  };
}

function tenantsOf(principals: Iterable<PrincipalUsage>): Map<string, TenantUsage> {
  const tenants = new Map<string, TenantUsage>();
  for (const p of principals) {
    const t = tenants.get(p.tenant) ?? {
      tenant: p.tenant,
      principals: 0,
      sessions: 0,
      sessionSeconds: 0,
      bytes: 0,
    };
    t.principals += 1;
    t.sessions += p.sessions;
    t.sessionSeconds += p.sessionSeconds;
    t.bytes += p.bytes;
    tenants.set(p.tenant, t);
  }
  return tenants;
}

/**
 * Each stream's bytes shared among its principals by session-seconds (by sessions when no session has seconds),
 * then summed per principal and per tenant. Bytes of a stream without sessions stay unattributed.
 */
export function attribute(
  bytesByStream: Readonly<Record<string, number>>,
  rows: readonly SessionRow[],
): Attribution {
  const principals = principalsOf(rows);
  const streamNames = [...new Set([...Object.keys(bytesByStream), ...rows.map((r) => r.stream)])].sort();
  const streams = streamNames.map((stream) => shareStream(stream, bytesByStream, rows, principals));
  const tenants = tenantsOf(principals.values());
  const byBytes = <T extends { bytes: number }>(a: T, b: T) => b.bytes - a.bytes;
  return {
    streams: streams.sort(byBytes),
    principals: [...principals.values()].sort(
      (a, b) => byBytes(a, b) || principalKey(a).localeCompare(principalKey(b)),
    ),
    tenants: [...tenants.values()].sort((a, b) => byBytes(a, b) || a.tenant.localeCompare(b.tenant)),
  };
}

/** Bytes in the unit AWS bills data in: 1 GB = 2^30 bytes. */
export const BYTES_PER_GB = 1024 ** 3;

/** Estimated cost of `bytes` at `pricePerGb`, in the price's currency. */
export function costOf(bytes: number, pricePerGb: number): number {
  return (bytes / BYTES_PER_GB) * pricePerGb;
}

/**
 * KVS "data consumed" in US East (N. Virginia): USD 0.0085 per GB (aws.amazon.com/kinesis/video-streams/pricing).
 * Data transfer out to the internet is billed on top, at EC2 data transfer rates.
 */
export const DEFAULT_PRICE_PER_GB = 0.0085;
/** The currency of DEFAULT_PRICE_PER_GB, and of every cost shown unless a price in another is given. */
export const PRICE_CURRENCY = 'USD';

/** Two decimals, or three significant digits for a cost under a cent (a demo's bytes cost millionths). */
export function money(n: number): string {
  if (n === 0 || n >= 0.01) return n.toFixed(2);
  return n.toFixed(Math.min(20, 2 - Math.floor(Math.log10(n))));
}

/** A cost with its currency: `USD 0.0000123`. */
export function moneyWithCurrency(n: number, currency = PRICE_CURRENCY): string {
  return `${currency} ${money(n)}`;
}

/**
 * Bytes in the units AWS bills in (1 KB = 2^10 bytes, 1 GB = 2^30, as BYTES_PER_GB): `512 B`, `1.5 KB`, `12.3 MB`,
 * `2.04 GB`; three significant digits from KB up.
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 ? Math.round(value) : Number(value.toPrecision(3));
  return `${shown} ${units[unit]}`;
}
