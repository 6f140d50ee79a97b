// The Logs Insights queries the usage report sends, answered from the audit ring: `filter` on equalities joined by
// `and`, `stats` of count(*) and sum(field) by fields, `sort`, `limit`. Anything else is refused, as a
// MalformedQueryException, rather than answered wrongly.
import type { AuditRecord } from './audit-ring';

export class QueryError extends Error {
  constructor(
    readonly type: 'MalformedQueryException' | 'InvalidParameterException' | 'ResourceNotFoundException',
    message: string,
  ) {
    super(message);
  }
}

interface Condition {
  field: string;
  op: '=' | '!=';
  value: string;
}
interface Aggregate {
  fn: 'count' | 'sum';
  field?: string;
  as: string;
}
export interface ParsedQuery {
  filter: Condition[];
  aggregates: Aggregate[];
  by: string[];
  sort?: { field: string; desc: boolean };
  limit?: number;
}

const FIELD = /^[A-Za-z_][A-Za-z0-9_.]*$/;

function malformed(message: string): never {
  throw new QueryError(
    'MalformedQueryException',
    `local mode answers only the usage report's queries: ${message}`,
  );
}

function parseFilter(text: string): Condition[] {
  return text.split(/\s+and\s+/).map((part) => {
    const m = /^([A-Za-z_][A-Za-z0-9_.]*)\s*(=|!=)\s*"([^"\\]*)"$/.exec(part.trim());
    if (!m) malformed(`filter condition not of the form field = "value": ${part}`);
    return { field: m[1]!, op: m[2] as '=' | '!=', value: m[3]! };
  });
}

function parseStats(text: string): Pick<ParsedQuery, 'aggregates' | 'by'> {
  const m = /^(.+?)\s+by\s+(.+)$/.exec(text);
  if (!m) malformed(`stats without "by": ${text}`);
  const aggregates = m[1]!.split(',').map((a): Aggregate => {
    const agg = /^(count)\(\*\)\s+as\s+(\w+)$|^(sum)\(([A-Za-z_][A-Za-z0-9_.]*)\)\s+as\s+(\w+)$/.exec(
      a.trim(),
    );
    if (!agg) malformed(`aggregate other than count(*) or sum(field), named with "as": ${a.trim()}`);
    return agg[1] ? { fn: 'count', as: agg[2]! } : { fn: 'sum', field: agg[4]!, as: agg[5]! };
  });
  const by = m[2]!.split(',').map((f) => f.trim());
  if (!by.every((f) => FIELD.test(f))) malformed(`stats by a non-field: ${m[2]}`);
  return { aggregates, by };
}

export function parseQuery(query: string): ParsedQuery {
  const parsed: ParsedQuery = { filter: [], aggregates: [], by: [] };
  for (const command of query.split(/\s*\|\s*/).map((c) => c.trim())) {
    const [, verb, rest] = /^(\w+)\s+(.+)$/s.exec(command) ?? [];
    if (verb === 'filter' && parsed.filter.length === 0) parsed.filter = parseFilter(rest!);
    else if (verb === 'stats' && parsed.aggregates.length === 0) Object.assign(parsed, parseStats(rest!));
    else if (verb === 'sort') {
      const m = /^(\w+)(?:\s+(asc|desc))?$/.exec(rest!);
      if (!m) malformed(`sort: ${rest}`);
      parsed.sort = { field: m[1]!, desc: m[2] === 'desc' };
    } else if (verb === 'limit' && /^\d+$/.test(rest!) && Number(rest) >= 1 && Number(rest) <= 10_000) {
      parsed.limit = Number(rest);
    } else malformed(`command: ${command}`);
  }
  if (parsed.aggregates.length === 0) malformed('no stats command');
  return parsed;
}

/** What Logs Insights answers: rows of { field, value }, values as strings. */
export type ResultRow = { field: string; value: string }[];

export function runQuery(query: ParsedQuery, records: readonly AuditRecord[]): ResultRow[] {
  const kept = records.filter(({ line }) =>
    query.filter.every((c) => (String(line[c.field] ?? '') === c.value) === (c.op === '=')),
  );
  const groups = new Map<string, { keys: string[]; values: number[] }>();
  for (const { line } of kept) {
    // Logs Insights leaves out a line that lacks a `by` field.
    if (query.by.some((f) => line[f] === undefined)) continue;
    const keys = query.by.map((f) => String(line[f]));
    const id = JSON.stringify(keys);
    const group = groups.get(id) ?? { keys, values: query.aggregates.map(() => 0) };
    query.aggregates.forEach((a, i) => {
      group.values[i]! += a.fn === 'count' ? 1 : Number(line[a.field!]) || 0;
    });
    groups.set(id, group);
  }
  let rows = [...groups.values()].map((g) => [
    ...query.by.map((field, i) => ({ field, value: g.keys[i]! })),
    ...query.aggregates.map((a, i) => ({ field: a.as, value: String(g.values[i]) })),
  ]);
  if (query.sort) {
    const { field, desc } = query.sort;
    const value = (row: ResultRow) => row.find((f) => f.field === field)?.value ?? '';
    rows = rows.sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      const order = Number.isNaN(Number(x)) ? x.localeCompare(y) : Number(x) - Number(y);
      return desc ? -order : order;
    });
  }
  return rows.slice(0, query.limit ?? 1000);
}
