// POST /v1/sessions (docs/api.md, camera grids): up to 16 sessions in one request, in order, each decided, audited
// and counted as if requested alone; one entry's failure never fails another.
import { entryError, parseSessionBatch, type SessionBatchEntry } from '../core/batch';
import { KVS_BUDGET_MS } from '../core/config-rules';
import { toBrokerError } from '../core/errors';
import type { SessionRequest } from '../core/request';
import type { Decision, TokenRoute } from './pipeline';
import { openSession, SESSION_DECISIONS } from './sessions';

/**
 * Entries whose KVS calls run at once. KVS allows GetDASH/HLSStreamingSessionURL 25 TPS per stream and GetDataEndpoint
 * 5 TPS per stream and 300 per account (KVS developer guide, "Kinesis Video Streams service quotas"); the adapter
 * calls GetDataEndpoint once per stream and API name however many entries wait for it (single flight), so a grid of
 * 16, even of one stream, stays inside them. The bound keeps one request from opening 16 connections at once.
 */
export const BATCH_CONCURRENCY = 8;

/** `work` over `items` with at most `limit` running at once; the results in the items' order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const createSessions: TokenRoute<SessionRequest[]> = {
  auth: 'jwt',
  audit: SESSION_DECISIONS,
  parse: ({ body }) => parseSessionBatch(body),
  async handle({ input, caller, nowMs, requestId, deps }) {
    // One deadline for every KVS call of the request, as for a single session: the batch fits API Gateway's 29 s.
    const call = { deadlineMs: deps.now() + KVS_BUDGET_MS };
    const outcomes = await mapBounded(input, BATCH_CONCURRENCY, async (request) => {
      try {
        const { session, expiresAtMs } = await openSession(deps, caller, request, { nowMs, requestId }, call);
        return { entry: session as SessionBatchEntry, decision: { fields: { request, expiresAtMs } } };
      } catch (error) {
        const e = toBrokerError(error);
        const decision: Decision = { fields: { request }, error: e };
        return { entry: entryError(request.streamName, e), decision };
      }
    });
    return {
      body: { json: { sessions: outcomes.map((o) => o.entry) } },
      decisions: outcomes.map((o) => o.decision),
    };
  },
};
