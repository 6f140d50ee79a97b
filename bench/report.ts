// The bench's table: every figure beside its floor and their ratio, from one run, with its target and whether the
// run met it. run.ts prints it and writes it to bench/results/latest.md (the README's table is a copy of it).
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
