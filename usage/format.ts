// The usage report as a table, CSV or JSON. Attributed bytes and costs are labelled as the estimates they are.
import { costOf, money, type Attribution } from '../lambda/core/usage-attribution';

export { money };

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

/**
 * One CSV cell. A text cell that a spreadsheet would read as a formula (it starts with `=`, `+`, `-`, `@`, a tab or
 * a carriage return) gets a leading `'`, which the spreadsheet shows as text, and is quoted (OWASP, "CSV Injection"):
 * a partner identity provider chooses `sub`. A cell with a quote, comma or line break is quoted, its quotes doubled
 * (RFC 4180). Numbers are ours and stay bare.
 */
export function csvCell(v: string | number): string {
  if (typeof v === 'number') return String(v);
  const formula = /^[=+\-@\t\r]/.test(v);
  const text = formula ? `'${v}` : v;
  return formula || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function json(report: Report): string {
  const price = report.pricePerGb;
  const estimate = <T extends { bytes: number }>(x: T) => ({
    ...x,
    estimatedBytes: x.bytes,
    estimatedCost: costOf(x.bytes, price),
  });
  const body = {
    ...report,
    note: ESTIMATE,
    streams: report.streams.map((s) => ({ ...s, estimatedCost: costOf(s.bytes, price) })),
    principals: report.principals.map(estimate),
    tenants: report.tenants.map(estimate),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

const CSV_HEADER = [
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

function csv(report: Report): string {
  const cost = (bytes: number) => money(costOf(bytes, report.pricePerGb));
  const rows: (string | number)[][] = [
    ...report.streams.map((s) => {
      const counts = [s.sessions, s.sessionSeconds, s.bytes];
      return ['stream', s.stream, '', '', '', ...counts, 'no', cost(s.bytes)];
    }),
    ...report.principals.map((p) => {
      const counts = [p.sessions, p.sessionSeconds, p.bytes];
      return ['principal', '', p.issuer, p.tenant, p.sub, ...counts, 'yes', cost(p.bytes)];
    }),
    ...report.tenants.map((t) => {
      const counts = [t.sessions, t.sessionSeconds, t.bytes];
      return ['tenant', '', '', t.tenant, '', ...counts, 'yes', cost(t.bytes)];
    }),
  ];
  return `${[CSV_HEADER, ...rows].map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}

function text(report: Report): string {
  const price = report.pricePerGb;
  const cost = (bytes: number) => money(costOf(bytes, price));
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
        cost(s.bytes),
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
        cost(p.bytes),
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
        cost(t.bytes),
      ]),
    ),
    '',
    ESTIMATE,
    '',
  ].join('\n');
}

export function formatReport(report: Report, format: Format): string {
  if (format === 'json') return json(report);
  if (format === 'csv') return csv(report);
  return text(report);
}
