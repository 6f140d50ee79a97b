// POST /v1/streams/{streamName}/sessions: event -> request rules -> grant decision -> KVS -> session, audited once.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { auditEvent, tenantOf } from '../core/audit';
import type { BrokerConfig } from '../core/config';
import { STATE_BUDGET_MS } from '../core/config-rules';
import { decide, forbidden } from '../core/decision';
import { toBrokerError, type BrokerError } from '../core/errors';
import { isServed } from '../core/grants';
import { parseSessionRequest, type Session, type SessionRequest } from '../core/request';
import type { KvsAdapter } from '../kvs/adapter';
import { callerFromEvent, errorResponse, jsonBody, jsonResponse, type Caller } from './http';
import { countSession } from './metrics';
import type { ViewerControl } from './viewer-control';

export interface SessionRouteDeps {
  config: BrokerConfig;
  kvs: KvsAdapter;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  viewers: ViewerControl;
}

/** What is known about a decision when it is audited: as much as was read before it was made or refused. */
interface Decided {
  caller?: Caller;
  request?: SessionRequest;
  expiresAtMs?: number;
  error?: BrokerError;
}

/** The one audit line per decision (README (Observability and audit)), granted or not, and its metric. */
function audit(
  deps: SessionRouteDeps,
  event: APIGatewayProxyEvent,
  requestId: string,
  nowMs: number,
  decided: Decided,
): void {
  const identity = event.requestContext?.identity;
  const streamName = event.pathParameters?.streamName;
  const { caller, request, error } = decided;
  deps.logger.info('session decision', {
    ...auditEvent({
      nowMs,
      requestId,
      extendedRequestId: event.requestContext?.extendedRequestId,
      issuer: caller?.issuer,
      sub: caller?.sub,
      tenant: tenantOf(deps.config.issuers.find((i) => i.issuer === caller?.issuer)),
      streamName: typeof streamName === 'string' ? streamName.slice(0, 256) : undefined,
      request,
      viewerId: request?.viewerId,
      expiresAtMs: decided.expiresAtMs,
      sourceIp: identity?.sourceIp,
      userAgent: identity?.userAgent ?? undefined,
      errorCode: error?.code,
      reason: error ? (error.reason ?? error.detail) : undefined,
    }),
  });
  if (error) countSession(deps.metrics, deps.config, { errorCode: error.code });
  else if (request) countSession(deps.metrics, deps.config, { streamName: request.streamName });
}

export function createSessionRoute(deps: SessionRouteDeps) {
  const { config, kvs, logger, now } = deps;

  return async function openSession(
    event: APIGatewayProxyEvent,
    requestId: string,
  ): Promise<APIGatewayProxyResult> {
    const nowMs = now();
    const decided: Decided = {};
    try {
      const caller = (decided.caller = callerFromEvent(
        event,
        nowMs,
        config.clockToleranceSeconds,
        config.issuers,
      ));
      // One deadline for every viewer-state call of this request, as for its KVS calls.
      const stateDeadlineMs = nowMs + STATE_BUDGET_MS;
      await deps.viewers.assertNotRevoked(event, caller, stateDeadlineMs);
      const request = (decided.request = parseSessionRequest(
        event.pathParameters?.streamName,
        jsonBody(event),
      ));
      // Outside config `streams` the broker's role may not open the stream: refuse before KVS would (502).
      if (!isServed(config.streams, request.streamName)) throw forbidden('STREAM_NOT_SERVED', request);
      const decision = decide(caller.grants, request, nowMs, config.sessions, caller.expMs);
      if (!decision.allowed) throw forbidden(decision.reason, request);
      // The seat before KVS: a refused viewer costs no KVS call.
      await deps.viewers.takeSeat(caller, request.viewerId, decision.expiresAtMs, stateDeadlineMs);
      const url = await kvs.getStreamingSessionUrl(request, decision.expiresInSeconds);
      decided.expiresAtMs = decision.expiresAtMs;
      audit(deps, event, requestId, nowMs, decided);
      const session: Session = {
        url,
        protocol: request.protocol,
        streamName: request.streamName,
        playbackMode: request.playbackMode,
        expiresAt: new Date(decision.expiresAtMs).toISOString(),
        expiresInSeconds: decision.expiresInSeconds,
      };
      return jsonResponse(event, config.cors, 200, session);
    } catch (error) {
      const e = (decided.error = toBrokerError(error));
      audit(deps, event, requestId, nowMs, decided);
      if (e.code === 'INTERNAL_ERROR') logger.error('unhandled error', { detail: e.detail });
      return errorResponse(event, config.cors, e, requestId);
    }
  };
}
