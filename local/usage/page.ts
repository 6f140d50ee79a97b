// GET /usage in local mode: what `npm run usage` reports, drawn. Bytes per stream over time (the emulator's meters)
// and, per principal, sessions granted and the estimated share of bytes (usage/attribution.ts). Plain HTML and
// inline SVG, rendered here: no script, no new browser dependency.
import type { ServerResponse } from 'node:http';
import { SESSION_AUDIT } from '../../lambda/core/telemetry';
import { attribute, type SessionRow } from '../../lambda/core/usage-attribution';
import type { KvsEmulator } from '../emulator';
import type { AuditRing } from './audit-ring';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Granted sessions per principal and stream in the window, as the report's Logs Insights query counts them. */
export function sessionRowsFrom(ring: AuditRing, startMs: number, endMs: number): SessionRow[] {
  const rows = new Map<string, SessionRow>();
  for (const { line } of ring.between(startMs, endMs)) {
    if (line.audit !== SESSION_AUDIT || line.outcome !== 'GRANTED') continue;
    const key = JSON.stringify([line.issuer, line.tenant, line.sub, line.stream]);
    const row = rows.get(key) ?? {
      issuer: String(line.issuer),
      tenant: String(line.tenant),
      sub: String(line.sub),
      stream: String(line.stream),
      sessions: 0,
      sessionSeconds: 0,
    };
    row.sessions += 1;
    row.sessionSeconds += Number(line.expiresInSeconds) || 0;
    rows.set(key, row);
  }
  return [...rows.values()];
}

function lineChart(series: Map<string, Map<number, number>>, startMs: number, endMs: number): string {
  const [w, h, pad] = [720, 240, 40];
  const max = Math.max(1, ...[...series.values()].flatMap((p) => [...p.values()]));
  const x = (t: number) => pad + ((t - startMs) / (endMs - startMs)) * (w - 2 * pad);
  const y = (v: number) => h - pad - (v / max) * (h - 2 * pad);
  const lines = [...series.entries()].map(([stream, points], i) => {
    const color = COLORS[i % COLORS.length]!;
    const coords = [...points.entries()]
      .sort(([a], [b]) => a - b)
      .map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`);
    return (
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${coords.join(' ')}"><title>${escape(stream)}</title></polyline>` +
      `<text x="${w - pad + 4}" y="${pad + 14 * i}" fill="${color}" font-size="11">${escape(stream)}</text>`
    );
  });
  return (
    `<svg role="img" aria-label="bytes per stream per minute" width="${w + 120}" height="${h}" xmlns="http://www.w3.org/2000/svg">` +
    `<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="#888"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${h - pad}" stroke="#888"/>` +
    `<text x="${pad}" y="${pad - 8}" font-size="11">${max} bytes/min</text>` +
    `<text x="${pad}" y="${h - pad + 16}" font-size="11">${new Date(startMs).toISOString()}</text>` +
    `<text x="${w - pad}" y="${h - pad + 16}" font-size="11" text-anchor="end">${new Date(endMs).toISOString()}</text>` +
    `${lines.join('')}</svg>`
  );
}

function barChart(bars: { label: string; value: number }[], unit: string): string {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rows = bars.map((b, i) => {
    const width = (b.value / max) * 400;
    return (
      `<text x="0" y="${i * 22 + 15}" font-size="12">${escape(b.label)}</text>` +
      `<rect x="260" y="${i * 22 + 3}" width="${width.toFixed(1)}" height="16" fill="${COLORS[i % COLORS.length]}"/>` +
      `<text x="${(265 + width).toFixed(1)}" y="${i * 22 + 15}" font-size="12">${b.value} ${unit}</text>`
    );
  });
  return `<svg role="img" width="820" height="${bars.length * 22 + 6}" xmlns="http://www.w3.org/2000/svg">${rows.join('')}</svg>`;
}

export function usagePage(
  emulator: KvsEmulator,
  ring: AuditRing,
  nowMs: number,
  url: URL,
  res: ServerResponse,
): void {
  const minutes = Math.min(Math.max(Number(url.searchParams.get('minutes')) || 60, 1), 7 * 24 * 60);
  const startMs = nowMs - minutes * 60_000;
  const series = new Map<string, Map<number, number>>();
  const bytesByStream: Record<string, number> = {};
  for (const s of emulator.outgoingBytesSeries()) {
    if (s.minuteMs < startMs - 60_000 || s.minuteMs > nowMs) continue;
    const points = series.get(s.stream) ?? new Map<number, number>();
    points.set(s.minuteMs, (points.get(s.minuteMs) ?? 0) + s.bytes);
    series.set(s.stream, points);
    bytesByStream[s.stream] = (bytesByStream[s.stream] ?? 0) + s.bytes;
  }
  const usage = attribute(bytesByStream, sessionRowsFrom(ring, startMs - 60_000, nowMs + 1000));
  const principal = (p: { issuer: string; sub: string }) => `${p.sub} (${p.issuer})`;
  const table = usage.principals
    .map(
      (p) =>
        `<tr><td>${escape(principal(p))}</td><td>${escape(p.tenant)}</td><td>${p.sessions}</td><td>${p.sessionSeconds}</td><td>${p.bytes}</td></tr>`,
    )
    .join('');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>KVS usage (local)</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}td,th{padding:2px 10px;text-align:right}td:first-child,th:first-child{text-align:left}</style></head>
<body><h1>KVS playback usage, last ${minutes} min (local mode)</h1>
<p>The same numbers as <code>npm run usage -- --endpoint ${escape(url.origin)} --since ${minutes}m</code>. Bytes per principal are estimates: each stream's bytes shared by session-seconds granted.</p>
<h2>Bytes per stream per minute</h2>${lineChart(series, startMs, nowMs)}
<h2>Bytes per stream</h2>${barChart(
    usage.streams.map((s) => ({ label: s.stream, value: s.bytes })),
    'bytes',
  )}
<h2>Sessions per principal</h2>${barChart(
    usage.principals.map((p) => ({ label: principal(p), value: p.sessions })),
    'sessions',
  )}
<h2>Estimated bytes per principal</h2>${barChart(
    usage.principals.map((p) => ({ label: principal(p), value: p.bytes })),
    'bytes',
  )}
<table><thead><tr><th>principal</th><th>tenant</th><th>sessions</th><th>session-s</th><th>est. bytes</th></tr></thead><tbody>${table}</tbody></table>
</body></html>`;
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(html);
}
