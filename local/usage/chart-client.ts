// The /usage page's line chart, in the browser: bytes per stream per minute with uPlot (a small, maintained canvas
// charting library). The page embeds the data (chart-data.ts) as JSON; this draws it. An arcsinh y scale keeps a
// stream of kilobytes visible beside one of gigabytes and still shows zero minutes as zero, and every point is
// marked, so a stream whose bytes fall in one minute is a visible spike and dot, never an invisible single point.
import uPlot from 'uplot';
import { formatBytes } from '../../lambda/core/usage-attribution';
import type { ChartData } from './chart-data';

function draw(): void {
  const source = document.getElementById('usage-data');
  const target = document.getElementById('bytes-chart');
  if (!source || !target) return;
  const data = JSON.parse(source.textContent ?? '{}') as ChartData;
  const options: uPlot.Options = {
    width: Math.min(960, Math.max(480, target.clientWidth || 960)),
    height: 300,
    scales: { y: { distr: 4, asinh: 1024 } },
    axes: [{}, { size: 70, values: (_u, ticks) => ticks.map(formatBytes) }],
    series: [
      {},
      ...data.streams.map((s) => ({
        label: s.stream,
        stroke: s.color,
        width: 2,
        points: { show: true, size: 6, stroke: s.color, fill: s.color },
        value: (_u: uPlot, v: number | null) => (v === null ? '' : formatBytes(v)),
      })),
    ],
  };
  const chart = new uPlot(options, [data.minutes, ...data.streams.map((s) => s.bytes)], target);
  target.dataset.drawn = String(chart.series.length - 1);
}

draw();
