// What the /usage page draws, as plain data: one value per minute of the window for each stream, minutes without
// bytes as 0 (so that two bursts 16 minutes apart show the gap between them), and one colour per stream, the same
// in the line chart and in the bars.
import type { OutgoingBytesSample } from '../emulator';

/** Distinct, readable on white; a stream past these gets a hue of its own (golden-angle steps). */
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/** One colour per stream name, by the names' sorted order: the same stream has the same colour everywhere. */
export function streamColors(streams: Iterable<string>): Map<string, string> {
  const names = [...new Set(streams)].sort();
  return new Map(
    names.map((name, i) => [name, PALETTE[i] ?? `hsl(${Math.round((i * 137.508) % 360)}, 65%, 42%)`]),
  );
}

export interface ChartData {
  /** Start of each minute of the window, epoch seconds (uPlot's x values). */
  minutes: number[];
  /** Per stream with bytes in the window: its colour and bytes per minute (0 where none). */
  streams: { stream: string; color: string; bytes: number[] }[];
}

/** The minutes from the one holding `startMs` to the one holding `endMs`, and each stream's bytes in each. */
export function chartData(
  samples: readonly OutgoingBytesSample[],
  startMs: number,
  endMs: number,
  colors: Map<string, string>,
): ChartData {
  const first = Math.floor(startMs / 60_000) * 60_000;
  const last = Math.floor(endMs / 60_000) * 60_000;
  const count = Math.max(1, Math.min((last - first) / 60_000 + 1, 7 * 24 * 60 + 1));
  const minutes = Array.from({ length: count }, (_, i) => (first + i * 60_000) / 1000);
  const byStream = new Map<string, number[]>();
  for (const s of samples) {
    const index = (s.minuteMs - first) / 60_000;
    if (index < 0 || index >= count || s.bytes <= 0) continue;
    const values = byStream.get(s.stream) ?? new Array<number>(count).fill(0);
    values[index] = values[index]! + s.bytes;
    byStream.set(s.stream, values);
  }
  return {
    minutes,
    streams: [...byStream.keys()].sort().map((stream) => ({
      stream,
      color: colors.get(stream) ?? '#444',
      bytes: byStream.get(stream)!,
    })),
  };
}
