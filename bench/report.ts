// The bench's table: every figure beside its floor and their ratio, from one run, with its target and whether the
// run met it. run.ts prints it and writes it to bench/results/latest.md (the README's table is a copy of it).
import type { ArchiveFigures } from './archive';
import type { AuthorizerRate } from './authorizer';
import type { ColdComparison } from './cold';
import type { BenchedLambda } from './lambdas';

export interface Row {
  figure: string;
  ours: string | number;
  floor?: string | number;
  ratio?: number;
  /** `<= 1.1`, `>= 0.85`, `<= 40 KB`, or `reported`. */
  target: string;
  met?: boolean;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
const mark = (met: boolean | undefined) => (met === undefined ? '' : met ? ' ✓' : ' ✗');
const fmt = (n: number) =>
  Number.isInteger(n) && Math.abs(n) >= 1000 ? n.toLocaleString('en-US') : String(n);

export function markdownTable(rows: readonly Row[]): string {
  const lines = ['| figure | ours | floor | ratio | target |', '|---|---:|---:|---:|---|'];
  for (const r of rows) {
    const cell = (v: string | number | undefined) =>
      v === undefined ? '' : typeof v === 'number' ? fmt(v) : v;
    lines.push(
      `| ${r.figure} | ${cell(r.ours)} | ${cell(r.floor)} | ${cell(r.ratio)} | ${r.target}${mark(r.met)} |`,
    );
  }
  return lines.join('\n');
}

/** Bundle bytes of each benched Lambda against its budget, beside its floor's. */
export function bundleRows(
  lambdas: readonly BenchedLambda[],
  bytes: Record<string, number>,
  variants: readonly { label: string; bundle: string }[],
): Row[] {
  const rows: Row[] = [];
  for (const l of lambdas) {
    const ours = bytes[l.bundle]!;
    const floor = bytes[`${l.bundle}Floor`]!;
    rows.push({
      figure: `bundle: ${l.bundle} (floor: its floor bundle)`,
      ours: kb(ours),
      floor: kb(floor),
      ratio: Math.round((ours / floor) * 100) / 100,
      target: `<= ${kb(l.budgetBytes)}`,
      met: ours <= l.budgetBytes,
    });
    for (const v of variants.filter((x) => x.bundle === l.bundle && bytes[x.label] !== undefined)) {
      rows.push({
        figure: `bundle, variant: ${v.label}`,
        ours: kb(bytes[v.label]!),
        floor: kb(floor),
        target: 'reported',
      });
    }
  }
  return rows;
}

/** Cold starts: the whole process against the floor (the target), import + first call and the empty handler reported. */
export function coldRows(lambdas: readonly BenchedLambda[], cold: readonly ColdComparison[]): Row[] {
  const rows: Row[] = [];
  for (const c of cold) {
    const lambda = lambdas.find((l) => `${l.bundle}` === c.bundle);
    const empty = c.floor === 'empty floor';
    const target = lambda && !empty ? lambda.coldStartTarget : undefined;
    rows.push({
      figure: `cold start, whole process: ${c.bundle} (floor: ${c.floor})`,
      ours: `${c.processMedianMs} ms`,
      floor: `${c.floorProcessMedianMs} ms`,
      ratio: c.processRatio,
      target: target === undefined ? 'reported' : `<= ${target}`,
      ...(target === undefined ? {} : { met: c.processRatio <= target }),
    });
    if (!empty) {
      rows.push({
        figure: `cold start, import + first call: ${c.bundle} (floor: ${c.floor})`,
        ours: `${c.medianMs} ms`,
        floor: `${c.floorMedianMs} ms`,
        ratio: c.ratio,
        target: 'reported',
      });
    }
  }
  return rows;
}

/** The authorizer's hot path against its floor (jose + one audit line), and against bare jose (reported). */
export function authorizerRows(rate: Record<string, AuthorizerRate>, parts: Record<string, number>): Row[] {
  const rows: Row[] = [];
  for (const [alg, r] of Object.entries(rate)) {
    rows.push(
      {
        figure: `authorizer decisions/s, ${alg} (floor: jose jwtVerify + one JSON audit line)`,
        ours: r.oursPerSecond,
        floor: r.floorPerSecond,
        ratio: r.rateRatio,
        target: '>= 0.85',
        met: r.rateRatio >= 0.85,
      },
      {
        figure: `authorizer CPU µs per decision, ${alg} (floor: the same)`,
        ours: r.oursCpuUs,
        floor: r.floorCpuUs,
        ratio: r.cpuRatio,
        target: '<= 1.2',
        met: r.cpuRatio <= 1.2,
      },
      {
        figure: `authorizer decisions/s, ${alg}, against bare jose jwtVerify (no audit line: not a floor)`,
        ours: r.oursPerSecond,
        floor: r.josePerSecond,
        ratio: r.rateRatioToJose,
        target: 'reported',
      },
    );
  }
  for (const [piece, us] of Object.entries(parts)) {
    rows.push({ figure: `authorizer, in situ, µs per decision: ${piece}`, ours: us, target: 'reported' });
  }
  return rows;
}

/** The archive's routes against the same KVS calls sent alone (bench/archive.ts), on the emulator. */
export function archiveRows({ timeline, images, clip }: ArchiveFigures): Row[] {
  return [
    {
      figure: `archive timeline, 24 h of 1 s fragments: ms (floor: the same ${timeline.calls} ListFragments calls alone)`,
      ours: `${timeline.oursMs} ms`,
      floor: `${timeline.floorMs} ms`,
      ratio: timeline.ratio,
      target: '<= 1.2',
      met: timeline.ratio <= 1.2,
    },
    {
      figure: 'archive timeline, 24 h of 1 s fragments: KVS calls (budget: 10 calls, 3 s, docs/api.md)',
      ours: timeline.calls,
      floor: timeline.calls,
      target: '<= 10',
      met: timeline.calls <= 10,
    },
    {
      figure: `archive images/s, ${images.images} 320 px JPEGs in ${images.calls} pages (floor: the same GetImages pages alone)`,
      ours: images.oursPerSecond,
      floor: images.floorPerSecond,
      ratio: images.ratio,
      target: '>= 0.85',
      met: images.ratio >= 0.85,
    },
    {
      figure: `archive clip MB/s, ${clip.megabytes} MB clip (KVS's cap; floor: GetClip's body read alone)`,
      ours: clip.oursMBps,
      floor: clip.floorMBps,
      ratio: clip.ratio,
      target: '>= 0.85',
      met: clip.ratio >= 0.85,
    },
    {
      figure: `archive clip, peak RSS growth while reading ${clip.megabytes} MB (floor: the same)`,
      ours: `${clip.oursPeakGrowthMB} MB`,
      floor: `${clip.floorPeakGrowthMB} MB`,
      target: `< ${round1(clip.megabytes / 4)} MB (streamed: under a quarter of the clip)`,
      met: clip.oursPeakGrowthMB < clip.megabytes / 4,
    },
  ];
}
