// The usage report as a table, CSV or JSON. Attributed bytes and costs are labelled as the estimates they are.
import { costOf, type Attribution } from '../lambda/core/usage-attribution';

export type Format = 'table' | 'csv' | 'json';

export interface Report extends Attribution {
  since: string;
  until: string;
  pricePerGb: number;
  periodSeconds: number;
  /** Bytes per stream and period start (epoch ms), for charts. */
  series: Record<string, Record<number, number>>;
}

const ESTIMATE =
  "Bytes per principal and tenant are ESTIMATES: each stream's bytes shared by the seconds of session granted on it.";

/** Two decimals, or three significant digits for a cost under a cent (a demo's bytes cost millionths). */
export function money(n: number): string {
  if (n === 0 || n >= 0.01) return n.toFixed(2);
  return n.toFixed(Math.min(20, 2 - Math.floor(Math.log10(n))));
}

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatReport(report: Report, format: Format): string {
  const { pricePerGb: price } = report;
  if (format === 'json') {
    return `${JSON.stringify(
      {
        ...report,
        note: ESTIMATE,
        streams: report.streams.map((s) => ({ ...s, estimatedCost: costOf(s.bytes, price) })),
        principals: report.principals.map((p) => ({
          ...p,
          estimatedBytes: p.bytes,
          estimatedCost: costOf(p.bytes, price),
        })),
        tenants: report.tenants.map((t) => ({
          ...t,
          estimatedBytes: t.bytes,
          estimatedCost: costOf(t.bytes, price),
        })),
      },
      null,
      2,
    )}\n`;
  }
  if (format === 'csv') {
    const header = [
      'section',
      'stream',
      'issuer',
      'tenant',
      'sub',
      'sessions',
      'sessionSeconds',
      'bytes',
      'estimated',
      'cost',
    ];
    const rows: (string | number)[][] = [
      ...report.streams.map((s) => [
        'stream',
        s.stream,
        '',
        '',
        '',
        s.sessions,
        s.sessionSeconds,
        s.bytes,
        'no',
        money(costOf(s.bytes, price)),
      ]),
      ...report.principals.map((p) => [
        'principal',
        '',
        p.issuer,
        p.tenant,
        p.sub,
        p.sessions,
        p.sessionSeconds,
        p.bytes,
        'yes',
        money(costOf(p.bytes, price)),
      ]),
      ...report.tenants.map((t) => [
        'tenant',
        '',
        '',
        t.tenant,
        '',
        t.sessions,
        t.sessionSeconds,
        t.bytes,
        'yes',
        money(costOf(t.bytes, price)),
      ]),
    ];
    return `${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
  }
  return [
    `KVS playback usage ${report.since} .. ${report.until} (data out at ${price} per GB)`,
    '',
    table(
      ['stream', 'bytes', 'sessions', 'session-s', 'unattributed', 'cost'],
      report.streams.map((s) => [
        s.stream,
        s.bytes,
        s.sessions,
        s.sessionSeconds,
        s.unattributedBytes,
        money(costOf(s.bytes, price)),
      ]),
    ),
    '',
    table(
      ['principal (issuer sub)', 'tenant', 'sessions', 'session-s', 'est. bytes', 'est. cost'],
      report.principals.map((p) => [
        `${p.issuer} ${p.sub}`,
        p.tenant,
        p.sessions,
        p.sessionSeconds,
        p.bytes,
        money(costOf(p.bytes, price)),
      ]),
    ),
    '',
    table(
      ['tenant', 'principals', 'sessions', 'session-s', 'est. bytes', 'est. cost'],
      report.tenants.map((t) => [
        t.tenant,
        t.principals,
        t.sessions,
        t.sessionSeconds,
        t.bytes,
        money(costOf(t.bytes, price)),
      ]),
    ),
    '',
    ESTIMATE,
    '',
  ].join('\n');
}
