// GET /usage in local mode: what `npm run usage` reports, drawn. Bytes per stream over time (the emulator's meters)
// in a uPlot line chart (chart-client.ts, bundled on first request like the player's client), and bytes, sessions
// and estimated shares as bars coloured per stream (chart-data.ts), bytes in KB/MB/GB and costs with their currency.
import type { ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { SESSION_AUDIT } from '../../lambda/core/telemetry';
import {
  attribute,
  costOf,
  DEFAULT_PRICE_PER_GB,
  formatBytes,
  moneyWithCurrency,
  type Attribution,
  type SessionRow,
} from '../../lambda/core/usage-attribution';
import type { KvsEmulator } from '../emulator';
import type { AuditRing } from './audit-ring';
import { chartData, streamColors } from './chart-data';

/** Principals are not streams: their bars take one neutral colour, so that no colour means two things. */
const PRINCIPAL_COLOR = '#6b7280';

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

interface Bar {
  label: string;
  value: number;
  text: string;
  color: string;
}

function barChart(name: string, bars: Bar[]): string {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rows = bars.map((b, i) => {
    const width = Math.max(b.value > 0 ? 2 : 0, (b.value / max) * 400);
    return (
      `<text x="0" y="${i * 22 + 15}" font-size="12">${escape(b.label)}</text>` +
      `<rect data-label="${escape(b.label)}" x="260" y="${i * 22 + 3}" width="${width.toFixed(1)}" height="16" fill="${b.color}"/>` +
      `<text x="${(265 + width).toFixed(1)}" y="${i * 22 + 15}" font-size="12">${escape(b.text)}</text>`
    );
  });
  return `<svg role="img" aria-label="${escape(name)}" width="820" height="${bars.length * 22 + 6}" xmlns="http://www.w3.org/2000/svg">${rows.join('')}</svg>`;
}

function principalTable(principals: Attribution['principals'], cost: (bytes: number) => string): string {
  const rows = principals.map(
    (p) =>
      `<tr><td>${escape(`${p.sub} (${p.issuer})`)}</td><td>${escape(p.tenant)}</td><td>${p.sessions}</td>` +
      `<td>${p.sessionSeconds}</td><td>${formatBytes(p.bytes)}</td><td>${cost(p.bytes)}</td></tr>`,
  );
  return (
    '<table><thead><tr><th>principal</th><th>tenant</th><th>sessions</th><th>session-s</th><th>est. bytes</th>' +
    `<th>est. cost</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

/** Sessions and estimated bytes per principal, in the principals' one neutral colour. */
function principalBars(principals: Attribution['principals'], cost: (bytes: number) => string): string {
  const principal = (p: { issuer: string; sub: string }) => `${p.sub} (${p.issuer})`;
  return `<h2>Sessions per principal</h2>${barChart(
    'sessions per principal',
    principals.map((p) => ({
      label: principal(p),
      value: p.sessions,
      text: `${p.sessions} sessions`,
      color: PRINCIPAL_COLOR,
    })),
  )}
<h2>Estimated bytes per principal</h2>${barChart(
    'estimated bytes per principal',
    principals.map((p) => ({
      label: principal(p),
      value: p.bytes,
      text: `${formatBytes(p.bytes)}, ${cost(p.bytes)}`,
      color: PRINCIPAL_COLOR,
    })),
  )}`;
}

/** The page's JSON island: `<` escaped, so that no value can close the script element. */
const jsonIsland = (data: unknown) => JSON.stringify(data).replace(/</g, '\\u003c');

export function usagePage(
  emulator: KvsEmulator,
  ring: AuditRing,
  nowMs: number,
  url: URL,
  res: ServerResponse,
): void {
  const minutes = Math.min(Math.max(Number(url.searchParams.get('minutes')) || 60, 1), 7 * 24 * 60);
  const startMs = nowMs - minutes * 60_000;
  const samples = emulator
    .outgoingBytesSeries()
    .filter((s) => s.minuteMs >= startMs - 60_000 && s.minuteMs <= nowMs);
  const bytesByStream: Record<string, number> = {};
  for (const s of samples) bytesByStream[s.stream] = (bytesByStream[s.stream] ?? 0) + s.bytes;
  const usage = attribute(bytesByStream, sessionRowsFrom(ring, startMs - 60_000, nowMs + 1000));
  const colors = streamColors(usage.streams.map((s) => s.stream));
  const chart = chartData(samples, startMs, nowMs, colors);
  const cost = (bytes: number) => moneyWithCurrency(costOf(bytes, DEFAULT_PRICE_PER_GB));
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>KVS usage (local)</title>
<link rel="stylesheet" href="/usage/uPlot.min.css">
<style>body{font:14px system-ui,sans-serif;margin:2em}td,th{padding:2px 10px;text-align:right}td:first-child,th:first-child{text-align:left}</style></head>
<body><h1>KVS playback usage, last ${minutes} min (local mode)</h1>
<p>The same numbers as <code>npm run usage -- --endpoint ${escape(url.origin)} --since ${minutes}m</code>. Costs at ${moneyWithCurrency(DEFAULT_PRICE_PER_GB)} per GB (KVS data consumed, US East). Bytes per principal are estimates: each stream's bytes shared by session-seconds granted.</p>
<h2>Bytes per stream per minute</h2><div id="bytes-chart"></div>
<script type="application/json" id="usage-data">${jsonIsland(chart)}</script>
<h2>Bytes per stream</h2>${barChart(
    'bytes per stream',
    usage.streams.map((s) => ({
      label: s.stream,
      value: s.bytes,
      text: `${formatBytes(s.bytes)}, ${cost(s.bytes)}`,
      color: colors.get(s.stream)!,
    })),
  )}
${principalBars(usage.principals, cost)}
${principalTable(usage.principals, cost)}
<script src="/usage/chart.js"></script>
</body></html>`;
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'",
  });
  res.end(html);
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

let chartBundle: Promise<string> | undefined;
/** chart-client.ts with uPlot as one script, built in memory with esbuild on first request and kept. */
function chartScript(): Promise<string> {
  chartBundle ??= import('esbuild')
    .then((esbuild) =>
      esbuild.build({
        entryPoints: [here('./chart-client.ts')],
        bundle: true,
        write: false,
        format: 'iife',
        platform: 'browser',
        target: 'es2022',
        logLevel: 'silent',
      }),
    )
    .then((result) => result.outputFiles[0]!.text)
    .catch((error: unknown) => {
      chartBundle = undefined; // try again on the next request
      throw error;
    });
  return chartBundle;
}

/** GET /usage/chart.js and /usage/uPlot.min.css; false for any other path. */
export async function usageAsset(path: string, res: ServerResponse): Promise<boolean> {
  let body: string | Buffer;
  let type: string;
  if (path === '/usage/chart.js') [body, type] = [await chartScript(), 'text/javascript; charset=utf-8'];
  else if (path === '/usage/uPlot.min.css') {
    const css = createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css');
    [body, type] = [await readFile(css), 'text/css; charset=utf-8'];
  } else return false;
  res.writeHead(200, {
    'Content-Type': type,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
  return true;
}
