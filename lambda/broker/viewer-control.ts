// Viewer control glue (docs/api.md, Revocation and Seats): the revocation check every token route runs (a pipeline
// TokenCheck), the seat a granted session takes (a pipeline SessionCheck), and POST /v1/revocations. Rules in lambda/core
// (revocation.ts, seats.ts); DynamoDB behind lambda/state.
import type { BrokerConfig } from '../core/config';
import { KVS_BUDGET_MS, needsViewerState, STATE_BUDGET_MS } from '../core/config-rules';
import { BrokerError } from '../core/errors';
import {
  holdsAdminScope,
  parseRevocationRequest,
  revocationRecord,
  type TokenIdentity,
} from '../core/revocation';
import { seatLimit, seatOf } from '../core/seats';
import { REVOCATION_AUDIT } from '../core/telemetry';
import { createRevocationCheck } from '../state/revocation-cache';
import type { StateStore } from '../state/store';
import type { Caller } from './http';
import type { SessionCheck, TokenCheck, TokenRoute } from './pipeline';

export interface ViewerControlDeps {
  config: BrokerConfig;
  /** Required when the config asks for revocation or seats (needsViewerState). */
  state?: StateStore;
  now: () => number;
}

export interface ViewerControl {
  /** TOKEN_REVOKED, or STATE_UNAVAILABLE when the table cannot say (fail closed). No revocable issuer: no read. */
  check: TokenCheck;
  /** Takes or renews a session's seat; SEAT_LIMIT when every seat is held. Absent when seats are unlimited. */
  seats?: SessionCheck;
  /** POST /v1/revocations. */
  revocationRoute: TokenRoute<unknown>;
}

/** The token's identity for revocation: sub and issuer from the authorizer, iat and jti from the verified token. */
function tokenIdentity(caller: Caller): TokenIdentity {
  const iat = caller.claims?.iat;
  const jti = caller.claims?.jti;
  return {
    issuer: caller.issuer,
    sub: caller.sub,
    ...(typeof iat === 'number' && Number.isFinite(iat) ? { iatS: iat } : {}),
    ...(typeof jti === 'string' && jti !== '' ? { jti } : {}),
  };
}

/**
 * The seat of each granted session, under the request's one viewer-state deadline; SEAT_LIMIT when all are held.
 * The seat is given back (best effort, its own deadline) when KVS then fails to open the session; a seat that
 * cannot be given back stays held until the session would have expired.
 */
function seatCheck(state: StateStore, limit: number, now: () => number): SessionCheck {
  return async (caller, { request, expiresAtMs, nowMs }) => {
    const seat = { issuer: caller.issuer, sub: caller.sub, viewer: seatOf(request.viewerId) };
    const decision = await state.takeSeat({ ...seat, untilMs: expiresAtMs, limit }, nowMs + STATE_BUDGET_MS);
    if (!decision.granted) throw seatLimit(decision.retryAfterSeconds);
    const taken = {
      untilMs: decision.seats[seat.viewer]!,
      version: decision.version,
      ...(decision.previousUntilMs !== undefined ? { previousUntilMs: decision.previousUntilMs } : {}),
    };
    // Its own budget, but never past the request's (its table calls and its KVS calls) and so the function's timeout.
    const deadline = () => Math.min(now() + STATE_BUDGET_MS, nowMs + STATE_BUDGET_MS + KVS_BUDGET_MS);
    return () => state.releaseSeat(seat, taken, deadline()).catch(() => undefined);
  };
}

const FORBIDDEN_MESSAGE = "Only a token holding its issuer's admin scope may revoke";

export function createViewerControl(deps: ViewerControlDeps): ViewerControl {
  const { config, state, now } = deps;
  if (needsViewerState(config) && !state) {
    throw new Error('The configuration asks for revocation or seats, but no viewer-state table was given');
  }
  const revocations = state ? createRevocationCheck(state, now) : undefined;
  const issuerOf = (caller: Caller) => config.issuers.find((i) => i.issuer === caller.issuer);
  const limit = config.viewers.seatsPerPrincipal;

  const revocationRoute: TokenRoute<unknown> = {
    auth: 'jwt',
    // One `kvs-revocation` line per request, granted or refused; no metric of its own (rare, operator-driven).
    audit: { kind: REVOCATION_AUDIT, message: 'revocation', count: () => undefined },
    // The body is read once the caller is known to be an admin: a non-admin learns nothing of its rules.
    parse: ({ body }) => body,
    async handle({ input, caller, nowMs }) {
      const issuer = issuerOf(caller);
      if (!revocations || !issuer || !holdsAdminScope(issuer, caller.claims ?? {})) {
        throw new BrokerError('FORBIDDEN', FORBIDDEN_MESSAGE);
      }
      const request = parseRevocationRequest(input, nowMs, config.clockToleranceSeconds);
      const record = revocationRecord(request, {
        // The config rules make maxTokenAgeSeconds required beside adminScope.
        issuer: { ...issuer, maxTokenAgeSeconds: issuer.maxTokenAgeSeconds! },
        revokedBy: caller.sub,
        nowMs,
        clockToleranceSeconds: config.clockToleranceSeconds,
        authorizerCacheTtlSeconds: config.api.authorizerCacheTtlSeconds,
      });
      await revocations.revoke(record);
      const sub = record.kind === 'sub';
      return {
        body: {
          json: {
            revoked: sub ? { sub: record.subject } : { jti: record.subject },
            before: new Date(record.beforeMs).toISOString(),
            keptUntil: new Date(record.expiresAtS * 1000).toISOString(),
          },
        },
        audit: sub
          ? { revokedSub: record.subject, revokedBeforeMs: record.beforeMs }
          : { revokedJti: record.subject },
      };
    },
  };

  return {
    // One deadline for every table call of a request: its start + STATE_BUDGET_MS (the seat uses the same).
    async check(caller, context) {
      // Only an issuer with adminScope can have revocations: the others' tokens cost no read.
      if (!revocations || !issuerOf(caller)?.adminScope) return;
      await revocations.assertNotRevoked(tokenIdentity(caller), context.nowMs + STATE_BUDGET_MS);
    },
    ...(limit !== undefined && state ? { seats: seatCheck(state, limit, now) } : {}),
    revocationRoute,
  };
}
