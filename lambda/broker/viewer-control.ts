// Viewer control glue (docs/api.md, Revocation and Seats): the per-request revocation check every token-answering
// route runs, the seat a session takes, and POST /v1/revocations. Rules in lambda/core (revocation.ts, seats.ts);
// DynamoDB behind lambda/state.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { auditEvent, tenantOf } from '../core/audit';
import type { BrokerConfig } from '../core/config';
import { needsViewerState, STATE_BUDGET_MS } from '../core/config-rules';
import { BrokerError, toBrokerError } from '../core/errors';
import {
  holdsAdminScope,
  parseRevocationRequest,
  revocationRecord,
  type RevocationRecord,
  type TokenIdentity,
} from '../core/revocation';
import { seatLimit, seatOf } from '../core/seats';
import { REVOCATION_AUDIT } from '../core/telemetry';
import { createRevocationCheck } from '../state/revocation-cache';
import type { StateStore } from '../state/store';
import { callerFromEvent, jsonBody, jsonResponse, tokenClaims, type Caller } from './http';

export interface ViewerControlDeps {
  config: BrokerConfig;
  /** Required when the config asks for revocation or seats (needsViewerState). */
  state?: StateStore;
  logger: Logger;
  now: () => number;
}

export interface ViewerControl {
  /**
   * The per-request check of every route that answers a token: TOKEN_REVOKED, or STATE_UNAVAILABLE (fail closed).
   * `deadlineMs`: the request's one deadline for all its table calls (stateDeadline).
   */
  assertNotRevoked(event: APIGatewayProxyEvent, caller: Caller, deadlineMs?: number): Promise<void>;
  /** Takes or renews the seat of `viewerId` until `untilMs`; SEAT_LIMIT when every seat is held. No limit: no-op. */
  takeSeat(caller: Caller, viewerId: string | undefined, untilMs: number, deadlineMs?: number): Promise<void>;
  /** POST /v1/revocations. */
  revocationRoute(event: APIGatewayProxyEvent, requestId: string): Promise<APIGatewayProxyResult>;
}

/** The token's identity for revocation: sub and issuer from the authorizer, iat and jti from the verified token. */
function tokenIdentity(caller: Caller, claims: Record<string, unknown> | undefined): TokenIdentity {
  const iat = claims?.iat;
  const jti = claims?.jti;
  return {
    issuer: caller.issuer,
    sub: caller.sub,
    ...(typeof iat === 'number' && Number.isFinite(iat) ? { iatS: iat } : {}),
    ...(typeof jti === 'string' && jti !== '' ? { jti } : {}),
  };
}

// eslint-disable-next-line max-lines-per-function -- a factory: the check, the seat and the route share the cache
export function createViewerControl(deps: ViewerControlDeps): ViewerControl {
  const { config, state, logger, now } = deps;
  if (needsViewerState(config) && !state) {
    throw new Error('The configuration asks for revocation or seats, but no viewer-state table was given');
  }
  const revocations = state ? createRevocationCheck(state, now) : undefined;
  const issuerOf = (caller: Caller) => config.issuers.find((i) => i.issuer === caller.issuer);

  async function assertNotRevoked(
    event: APIGatewayProxyEvent,
    caller: Caller,
    deadlineMs?: number,
  ): Promise<void> {
    // Only an issuer with adminScope can have revocations: the others' tokens cost no read.
    if (!revocations || !issuerOf(caller)?.adminScope) return;
    await revocations.assertNotRevoked(tokenIdentity(caller, tokenClaims(event)), deadlineMs);
  }

  function audit(
    event: APIGatewayProxyEvent,
    requestId: string,
    nowMs: number,
    caller: Caller | undefined,
    outcome: { record: RevocationRecord } | { error: BrokerError },
  ): void {
    const identity = event.requestContext?.identity;
    const error = 'error' in outcome ? outcome.error : undefined;
    const record = 'record' in outcome ? outcome.record : undefined;
    logger.info('revocation', {
      ...auditEvent({
        audit: REVOCATION_AUDIT,
        nowMs,
        requestId,
        extendedRequestId: event.requestContext?.extendedRequestId,
        issuer: caller?.issuer,
        sub: caller?.sub,
        tenant: tenantOf(caller ? issuerOf(caller) : undefined),
        sourceIp: identity?.sourceIp,
        userAgent: identity?.userAgent ?? undefined,
        errorCode: error?.code,
        reason: error ? (error.reason ?? error.detail) : undefined,
        ...(record?.kind === 'sub'
          ? { revokedSub: record.subject, revokedBeforeMs: record.beforeMs }
          : record
            ? { revokedJti: record.subject }
            : {}),
      }),
    });
  }

  async function revoke(event: APIGatewayProxyEvent, nowMs: number, caller: Caller) {
    await assertNotRevoked(event, caller, nowMs + STATE_BUDGET_MS);
    const issuer = issuerOf(caller);
    if (!revocations || !issuer || !holdsAdminScope(issuer, tokenClaims(event) ?? {})) {
      throw new BrokerError('FORBIDDEN', "Only a token holding its issuer's admin scope may revoke");
    }
    const request = parseRevocationRequest(jsonBody(event), nowMs, config.clockToleranceSeconds);
    const record = revocationRecord(request, {
      // The config rules make maxTokenAgeSeconds required beside adminScope.
      issuer: { ...issuer, maxTokenAgeSeconds: issuer.maxTokenAgeSeconds! },
      revokedBy: caller.sub,
      nowMs,
      clockToleranceSeconds: config.clockToleranceSeconds,
      authorizerCacheTtlSeconds: config.api.authorizerCacheTtlSeconds,
    });
    await revocations.revoke(record);
    return record;
  }

  return {
    assertNotRevoked,

    async takeSeat(caller, viewerId, untilMs, deadlineMs) {
      const limit = config.viewers.seatsPerPrincipal;
      if (limit === undefined || !state) return;
      const decision = await state.takeSeat(
        { issuer: caller.issuer, sub: caller.sub, viewer: seatOf(viewerId), untilMs, limit },
        deadlineMs,
      );
      if (!decision.granted) throw seatLimit(decision.retryAfterSeconds);
    },

    async revocationRoute(event, requestId) {
      const nowMs = now();
      let caller: Caller | undefined;
      try {
        caller = callerFromEvent(event, nowMs, config.clockToleranceSeconds, config.issuers);
        const record = await revoke(event, nowMs, caller);
        audit(event, requestId, nowMs, caller, { record });
        return jsonResponse(event, config.cors, 200, {
          revoked: record.kind === 'sub' ? { sub: record.subject } : { jti: record.subject },
          before: new Date(record.beforeMs).toISOString(),
          keptUntil: new Date(record.expiresAtS * 1000).toISOString(),
        });
      } catch (error) {
        audit(event, requestId, nowMs, caller, { error: toBrokerError(error) });
        throw error;
      }
    },
  };
}
