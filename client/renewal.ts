// Keeps a playback session alive: obtains a new session before the current one expires (KVS sessions last 5
// minutes by default, and KVS refuses every manifest and fragment request of an expired session) and hands it to
// the player. Failed renewals are retried while the current session still lives.
import type { BrokerClient } from './client';
import { BrokerClientError } from './errors';
import { hostTimers, type Environment, type Session, type SessionRequest } from './types';

export interface SessionRenewalOptions {
  client: BrokerClient;
  streamName: string;
  /** Sent again on every renewal. */
  request?: SessionRequest;
  /** Called with the first session and with every renewed one. */
  onSession(session: Session, info: { renewed: boolean }): void;
  /** A renewal failed; `willRetry` says whether another attempt is scheduled before the session expires. */
  onError?(error: BrokerClientError, info: { willRetry: boolean }): void;
  /** Renew this long before `expiresAt`. @default 60000 */
  renewBeforeMs?: number;
  /** Renewals start up to this much earlier still, at random, so viewers who began together spread out. @default 15000 */
  jitterMs?: number;
  /** Wait after a failed renewal before the next attempt (plus up to half of it at random). @default 5000 */
  retryIntervalMs?: number;
  env?: Partial<Pick<Environment, 'now' | 'timers' | 'random'>>;
}

export interface SessionRenewal {
  /** The session the player should be using. */
  readonly current: Session | undefined;
  /** When the next renewal is due (ms since the epoch), if one is scheduled. */
  readonly nextRenewalAt: number | undefined;
  /** Obtains the first session and schedules its renewal. */
  start(): Promise<Session>;
  /** Renews now (e.g. after the app returns from the background); shares a renewal already under way. */
  renewNow(): Promise<Session>;
  /** Cancels the schedule; the current session runs out on its own. */
  stop(): void;
}

function asClientError(error: unknown): BrokerClientError {
  return error instanceof BrokerClientError
    ? error
    : new BrokerClientError('NETWORK_ERROR', 'the renewal failed', { cause: error });
}

// eslint-disable-next-line max-lines-per-function -- a factory: the schedule, renew and stop functions share the renewal state they close over
export function createSessionRenewal(options: SessionRenewalOptions): SessionRenewal {
  const timers = options.env?.timers ?? hostTimers();
  if (timers === undefined)
    throw new TypeError('kvs-session-broker/client: no global timers here: pass them');
  const env = { now: options.env?.now ?? Date.now, random: options.env?.random ?? Math.random, timers };
  const renewBeforeMs = options.renewBeforeMs ?? 60_000;
  const jitterMs = options.jitterMs ?? 15_000;
  const retryIntervalMs = options.retryIntervalMs ?? 5_000;
  let current: Session | undefined;
  let timer: unknown;
  let dueAt: number | undefined;
  let inFlight: Promise<Session> | undefined;
  let stopped = false;

  function schedule(at: number): void {
    if (timer !== undefined) env.timers.clearTimeout(timer);
    dueAt = at;
    timer = env.timers.setTimeout(
      () => {
        timer = undefined;
        dueAt = undefined;
        renew().catch(() => undefined); // reported through onError
      },
      Math.max(0, at - env.now()),
    );
  }

  /** When to renew `session`: renewBeforeMs (and jitter) ahead of expiry, but never in its first half. */
  function renewalTime(session: Session): number {
    const now = env.now();
    const expires = Date.parse(session.expiresAt);
    const planned = expires - renewBeforeMs - env.random() * jitterMs;
    return Math.max(planned, now + (expires - now) / 2);
  }

  function adopt(session: Session, renewed: boolean): Session {
    if (stopped) return session;
    current = session;
    schedule(renewalTime(session));
    options.onSession(session, { renewed });
    return session;
  }

  function renew(): Promise<Session> {
    if (inFlight) return inFlight;
    // inFlight is cleared before any callback runs, so a callback may renew again
    inFlight = options.client.createSession(options.streamName, options.request ?? {}).then(
      (session) => {
        inFlight = undefined;
        return adopt(session, true);
      },
      (error: unknown) => {
        inFlight = undefined;
        const failure = asClientError(error);
        const retryAt = env.now() + retryIntervalMs * (1 + env.random() / 2);
        const expires = current ? Date.parse(current.expiresAt) : 0;
        const willRetry = !stopped && failure.transient && retryAt < expires;
        if (willRetry) schedule(retryAt);
        options.onError?.(failure, { willRetry });
        throw failure;
      },
    );
    return inFlight;
  }

  return {
    get current() {
      return current;
    },
    get nextRenewalAt() {
      return dueAt;
    },
    async start() {
      stopped = false;
      return adopt(await options.client.createSession(options.streamName, options.request ?? {}), false);
    },
    renewNow() {
      if (timer !== undefined) env.timers.clearTimeout(timer);
      timer = undefined;
      dueAt = undefined;
      return renew();
    },
    stop() {
      stopped = true;
      if (timer !== undefined) env.timers.clearTimeout(timer);
      timer = undefined;
      dueAt = undefined;
    },
  };
}
