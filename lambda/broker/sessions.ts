// POST /v1/streams/{streamName}/sessions: request rules -> grant decision -> KVS -> session, one decision audited.
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { BrokerConfig } from '../core/config';
import { decide, forbidden } from '../core/decision';
import { isServed } from '../core/grants';
import { parseSessionRequest, type Session, type SessionRequest } from '../core/request';
import { SESSION_AUDIT } from '../core/telemetry';
import type { KvsCallOptions } from '../kvs/adapter';
import type { Caller } from './http';
import { countSession } from './metrics';
import type { Decision, RouteAudit, RouteDeps, SessionCheck, SessionRelease, TokenRoute } from './pipeline';

/** Session decisions (single and batch): one `kvs-session` line and one SessionsIssued or SessionsDenied each. */
export const SESSION_DECISIONS: RouteAudit = {
  kind: SESSION_AUDIT,
  message: 'session decision',
  count(metrics: Metrics, config: BrokerConfig, decision: Decision) {
    const { error, fields } = decision;
    if (error) countSession(metrics, config, { errorCode: error.code });
    else if (fields.request) countSession(metrics, config, { streamName: fields.request.streamName });
  },
};

/**
 * Runs the session checks (seats) on one granted session, then `open` (the KVS calls). When a later check or `open`
 * fails, what the earlier checks held for the session is given back before the error leaves: a viewer whose session
 * KVS refused keeps no seat for it.
 */
export async function underSessionChecks<T>(
  checks: readonly SessionCheck[] | undefined,
  caller: Caller,
  session: Parameters<SessionCheck>[1],
  open: () => Promise<T>,
): Promise<T> {
  const held: SessionRelease[] = [];
  try {
    for (const check of checks ?? []) {
      const release = await check(caller, session);
      if (release) held.push(release);
    }
    return await open();
  } catch (error) {
    await Promise.all(held.map((release) => release()));
    throw error;
  }
}

/**
 * One session, decided at `nowMs` and opened with KVS, or the BrokerError that refused it: a stream outside config
 * `streams` (the broker's role may not open it: refused before KVS would answer 502), no grant (403 before KVS), a
 * session check (seats) refusing it, before KVS too; a KVS failure gives back the seat taken for it.
 */
export async function openSession(
  deps: RouteDeps,
  caller: Caller,
  request: SessionRequest,
  at: { nowMs: number; requestId: string },
  call?: KvsCallOptions,
): Promise<{ session: Session; expiresAtMs: number }> {
  const { config, kvs } = deps;
  if (!isServed(config.streams, request.streamName)) throw forbidden('STREAM_NOT_SERVED', request);
  const decision = decide(caller.grants, request, at.nowMs, config.sessions, caller.expMs);
  if (!decision.allowed) throw forbidden(decision.reason, request);
  const url = await underSessionChecks(
    deps.sessionChecks,
    caller,
    { request, expiresAtMs: decision.expiresAtMs, ...at },
    () => kvs.getStreamingSessionUrl(request, decision.expiresInSeconds, call),
  );
  return {
    expiresAtMs: decision.expiresAtMs,
    session: {
      url,
      protocol: request.protocol,
      streamName: request.streamName,
      playbackMode: request.playbackMode,
      expiresAt: new Date(decision.expiresAtMs).toISOString(),
      expiresInSeconds: decision.expiresInSeconds,
    },
  };
}

export const createSession: TokenRoute<SessionRequest> = {
  auth: 'jwt',
  audit: SESSION_DECISIONS,
  parse: ({ path, body }) => parseSessionRequest(path.streamName, body),
  describe: (request) => ({ request }),
  async handle({ input, caller, nowMs, requestId, deps }) {
    const { session, expiresAtMs } = await openSession(deps, caller, input, { nowMs, requestId });
    return { body: { json: session }, audit: { expiresAtMs } };
  },
};
