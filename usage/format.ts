// The usage report as a table, CSV or JSON. Attributed bytes and costs are labelled as the estimates they are.
import { costOf, money, type Attribution } from '../lambda/core/usage-attribution';
import { imagesCost, type ArchiveUsage } from './archive-usage';

export { money };

export type Format = 'table' | 'csv' | 'json';

export interface Report extends Attribution {
  since: string;
  until: string;
  pricePerGb: number;
  periodSeconds: number;
  /** Bytes per stream and period start (epoch ms), for charts. */
  series: Record<string, Record<number, number>>;
  /** Clips and images of the archive routes; absent from reports made before them. */
  archive?: ArchiveUsage;
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

function archiveJson(archive: ArchiveUsage, pricePerGb: number) {
  const clipCostByStream = Object.fromEntries(
    Object.entries(archive.clipBytesByStream).map(([stream, bytes]) => [stream, costOf(bytes, pricePerGb)]),
  );
  return {
    ...archive,
    clipCostByStream,
    images: archive.images.map((row) => ({
      ...row,
      ...(archive.pricePer1000Images !== undefined
        ? { cost: imagesCost(row.images, archive.pricePer1000Images) }
        : {}),
    })),
  };
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
    ...(report.archive ? { archive: archiveJson(report.archive, price) } : {}),
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
    ...(report.archive ? archiveText(report.archive, cost) : []),
    ESTIMATE,
    '',
  ].join('\n');
}

/** Clips per stream (KVS's GetClip.OutgoingBytes) and images per stream and principal (the audit lines). */
function archiveText(archive: ArchiveUsage, cost: (bytes: number) => string): string[] {
  const streams = [
    ...new Set([...Object.keys(archive.clipBytesByStream), ...Object.keys(archive.imagesByStream)]),
  ].sort();
  if (streams.length === 0) return [];
  const price = archive.pricePer1000Images;
  const imageCost = (n: number) => (price === undefined ? 'not priced' : money(imagesCost(n, price)!));
  return [
    `Archive: clips (GetClip.OutgoingBytes, in the bytes above) and images returned (${price === undefined ? 'unpriced: --price-per-1000-images' : `${price} per 1,000`})`,
    '',
    table(
      ['stream', 'clip bytes', 'clip cost', 'images', 'images cost'],
      streams.map((stream) => {
        const clip = archive.clipBytesByStream[stream] ?? 0;
        const images = archive.imagesByStream[stream] ?? 0;
        return [stream, clip, cost(clip), images, imageCost(images)];
      }),
    ),
    '',
    ...(archive.images.length === 0
      ? []
      : [
          table(
            ['images by principal (issuer sub)', 'tenant', 'stream', 'requests', 'images', 'cost'],
            archive.images.map((r) => [
              `${r.issuer} ${r.sub}`,
              r.tenant,
              r.stream,
              r.requests,
              r.images,
              imageCost(r.images),
            ]),
          ),
          '',
        ]),
  ];
}

export function formatReport(report: Report, format: Format): string {
  if (format === 'json') return json(report);
  if (format === 'csv') return csv(report);
  return text(report);
}
