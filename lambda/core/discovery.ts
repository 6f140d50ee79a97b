// GET /v1/streams (DESIGN section 7): which streams a caller may open, and how. Pure: the stream names that
// exist are passed in by the handler, which fetched them with KVS ListStreams for `listingPrefixes(grants)`.
import { PLAYBACK_MODES, PROTOCOLS, type PlaybackMode, type Protocol } from './config';
import { BrokerError } from './errors';
import { matchesStream, type Grant } from './grants';

export interface CatalogEntry {
  streamName: string;
  modes: PlaybackMode[];
  protocols: Protocol[];
}

export interface CatalogPage {
  streams: CatalogEntry[];
  nextToken?: string;
}

export interface ListQuery {
  limit: number;
  /** Stream name after which the page starts (decoded from the opaque nextToken). */
  after?: string;
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
    if (grants.some((g) => g.stream.endsWith('*') && matchesStream(g.stream, name))) names.add(name);
  }
  return [...names].sort().map((streamName) => {
    const covering = grants.filter((g) => matchesStream(g.stream, streamName));
    const modes = new Set(covering.flatMap((g) => g.modes));
    const protocols = new Set(covering.flatMap((g) => g.protocols));
    return {
      streamName,
      modes: PLAYBACK_MODES.filter((m) => modes.has(m)),
      protocols: PROTOCOLS.filter((p) => protocols.has(p)),
    };
  });
}

const encodeToken = (after: string) => Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64url');

export function parseListQuery(query: Record<string, string | undefined> | null | undefined): ListQuery {
  const limitRaw = query?.limit;
  let limit = 100;
  if (limitRaw !== undefined) {
    if (!/^\d{1,4}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > 1000) {
      throw new BrokerError('INVALID_REQUEST', 'limit: must be an integer from 1 to 1000');
    }
    limit = Number(limitRaw);
  }
  const tokenRaw = query?.nextToken;
  if (tokenRaw === undefined) return { limit };
  try {
    const decoded = JSON.parse(Buffer.from(tokenRaw, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof decoded.after !== 'string' || encodeToken(decoded.after) !== tokenRaw)
      throw new Error('shape');
    return { limit, after: decoded.after };
  } catch {
    throw new BrokerError('INVALID_REQUEST', 'nextToken: is not a token this API returned');
  }
}

export function pageOf(catalog: readonly CatalogEntry[], query: ListQuery): CatalogPage {
  const start = query.after === undefined ? 0 : catalog.findIndex((e) => e.streamName > query.after!);
  const rest = start < 0 ? [] : catalog.slice(start);
  const streams = rest.slice(0, query.limit);
  return rest.length > query.limit
    ? { streams, nextToken: encodeToken(streams.at(-1)!.streamName) }
    : { streams };
}
