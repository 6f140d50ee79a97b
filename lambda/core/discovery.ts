// GET /v1/streams (docs/api.md): which streams a caller may open, and how. Pure: the stream names that
// exist are passed in by the handler, which fetched them with KVS ListStreams for `listingPrefixes(grants)`.
import { GRANT_MODES, PROTOCOLS } from './config-rules';
import { BrokerError } from './errors';
import { matchesStream, type Grant } from './grants';
import { checkedQuery } from './input';
import { LIST_QUERY_SCHEMA } from './request-schemas';
import type { CatalogEntry, CatalogPage } from './schemas/discovery';

export type { CatalogEntry, CatalogPage } from './schemas/discovery';

export interface ListQuery {
  limit: number;
  /** The page starts after this stream name (a full previous page ended with it). */
  after?: string;
  /** The page starts at this name (a truncated previous page could not list the streams from here on). */
  from?: string;
}

/** The fewest ListStreams prefixes that cover every prefix and `*` grant ('' lists every stream). */
export function listingPrefixes(grants: readonly Grant[]): string[] {
  const prefixes = [
    ...new Set(grants.filter((g) => g.stream.endsWith('*')).map((g) => g.stream.slice(0, -1))),
  ].sort();
  return prefixes.filter((p, i) => !prefixes.slice(0, i).some((shorter) => p.startsWith(shorter)));
}

/**
 * Every stream the grants reach: exact grants as they are, prefix grants resolved against `existing` names.
 * Each stream once, with the union of the modes and protocols of the grants that cover it, sorted by name.
 */
export function buildCatalog(grants: readonly Grant[], existing: Iterable<string>): CatalogEntry[] {
  const names = new Set<string>(grants.filter((g) => !g.stream.endsWith('*')).map((g) => g.stream));
  for (const name of existing) {
    // An exact grant matches only its own name, which is in `names` already: no need to tell the kinds apart.
    if (grants.some((g) => matchesStream(g.stream, name))) names.add(name);
  }
  return [...names].sort().map((streamName) => {
    const covering = grants.filter((g) => matchesStream(g.stream, streamName));
    const modes = new Set(covering.flatMap((g) => g.modes));
    const protocols = new Set(covering.flatMap((g) => g.protocols));
    return {
      streamName,
      modes: GRANT_MODES.filter((m) => modes.has(m)),
      protocols: PROTOCOLS.filter((p) => protocols.has(p)),
    };
  });
}

type Cursor = { after: string } | { from: string };

const encodeToken = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

function decodeToken(token: string): Cursor | undefined {
  let decoded: { after?: unknown; from?: unknown } | null | undefined;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof decoded;
  } catch {
    // Not JSON: `decoded` stays undefined, so there is no cursor.
  }
  const cursor: Cursor | undefined =
    typeof decoded?.after === 'string'
      ? { after: decoded.after }
      : typeof decoded?.from === 'string'
        ? { from: decoded.from }
        : undefined;
  return cursor && encodeToken(cursor) === token ? cursor : undefined;
}

/** The query of GET /v1/streams, checked against its generated schema (schemas/discovery.ts). */
export function parseListQuery(query: Record<string, string | undefined> | null | undefined): ListQuery {
  const { limit, nextToken } = checkedQuery<{ limit: number; nextToken?: string }>(LIST_QUERY_SCHEMA, query);
  if (nextToken === undefined) return { limit };
  const cursor = decodeToken(nextToken);
  if (!cursor) throw new BrokerError('INVALID_REQUEST', 'nextToken: is not a token this API returned');
  return { limit, ...cursor };
}

/**
 * The listing prefixes a page still needs: a prefix whose every stream name sorts before the page's start is
 * skipped, so later pages of a big catalog list less. A prefix is kept when the start, cut to the prefix's
 * length, does not sort after it: the start begins with the prefix or sorts before it.
 */
export function prefixesFor(prefixes: readonly string[], query: ListQuery): string[] {
  const start = query.after ?? query.from;
  if (start === undefined) return [...prefixes];
  return prefixes.filter((p) => start.slice(0, p.length) <= p);
}

/**
 * One page of the catalog. `listedBefore`: the first listing prefix that could not be listed in this request
 * (prefixes are listed in sorted order), so only names before it are known to be complete; the page stops
 * there with `truncated: true`, and its nextToken starts the next page at that prefix.
 */
export function pageOf(
  catalog: readonly CatalogEntry[],
  query: ListQuery,
  listedBefore?: string,
): CatalogPage {
  const start =
    query.after !== undefined
      ? catalog.findIndex((e) => e.streamName > query.after!)
      : query.from !== undefined
        ? catalog.findIndex((e) => e.streamName >= query.from!)
        : 0;
  const rest = start < 0 ? [] : catalog.slice(start);
  const known = listedBefore === undefined ? rest : rest.filter((e) => e.streamName < listedBefore);
  const streams = known.slice(0, query.limit);
  if (known.length > query.limit)
    return { streams, nextToken: encodeToken({ after: streams.at(-1)!.streamName }) };
  if (listedBefore !== undefined)
    return { streams, nextToken: encodeToken({ from: listedBefore }), truncated: true };
  return { streams };
}
