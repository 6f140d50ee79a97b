// Session renewal against the local broker: real sessions, with the broker's clock and the renewal's timers on
// one virtual clock, so "4 minutes later" takes no time.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { BrokerClientError, createBrokerClient, createSessionRenewal, type Session } from '../../client';
import { defaultLocalConfig, startLocalBroker, type LocalBroker } from '../../local/app';
import { generateDevKey } from '../../local/dev-issuer';
import { captureOutput, type Captured } from '../support/local-broker';
import { virtualTime, type VirtualTime } from './virtual-time';

let captured: Captured;
let broker: LocalBroker;
let vt: VirtualTime;
let token: string;

beforeAll(async () => {
  captured = captureOutput();
  vt = virtualTime(Date.now());
  broker = await startLocalBroker({
    devKey: await generateDevKey(),
    now: () => vt.now(),
    config: defaultLocalConfig,
  });
  // long-lived: the virtual clock runs hours ahead, and the authorizer reads it
  token = await broker.devIssuer!.mint({
    sub: 'renewal-test',
    grants: [{ stream: 'cam-1' }],
    expiresInSeconds: 86400,
  });
});

// a fresh clock per test: no timer of one test fires in another
beforeEach(() => {
  vt = virtualTime(Date.now());
});

afterAll(async () => {
  await broker?.close();
  captured?.restore();
});

interface Recorder {
  sessions: { session: Session; renewed: boolean; at: number }[];
  errors: { code: string; willRetry: boolean; at: number }[];
  /** Resolves at the next onSession or onError. */
  next(): Promise<void>;
}

function recorder(): Recorder {
  let wake: (() => void) | undefined;
  const r: Recorder = {
    sessions: [],
    errors: [],
    next: () => new Promise<void>((resolve) => (wake = resolve)),
  };
  return Object.assign(r, {
    onSession(session: Session, info: { renewed: boolean }) {
      r.sessions.push({ session, renewed: info.renewed, at: vt.now() });
      wake?.();
    },
    onError(error: BrokerClientError, info: { willRetry: boolean }) {
      r.errors.push({ code: error.code, willRetry: info.willRetry, at: vt.now() });
      wake?.();
    },
  });
}

const env = () => ({ now: () => vt.now(), timers: vt.timers, random: () => 0.5 });

describe('createSessionRenewal', () => {
  it('renews 60 s (+ jitter) before expiry, again and again, each time with a new session', async () => {
    const rec = recorder();
    const renewal = createSessionRenewal({
      client: createBrokerClient({ baseUrl: broker.url, token, env: env() }),
      streamName: 'cam-1',
      request: { protocol: 'HLS' },
      ...(rec as unknown as Pick<Parameters<typeof createSessionRenewal>[0], 'onSession' | 'onError'>),
      env: env(),
    });
    const started = vt.now();
    const first = await renewal.start();
    expect(first.protocol).toBe('HLS');
    expect(Date.parse(first.expiresAt)).toBe(started + 300_000);
    // 300 s session: renew at expiry - 60 s - 0.5 * 15 s
    expect(renewal.nextRenewalAt).toBe(Date.parse(first.expiresAt) - 67_500);

    for (let round = 1; round <= 2; round++) {
      const due = renewal.nextRenewalAt!;
      const renewed = rec.next();
      vt.advance(due - vt.now());
      await renewed;
      const latest = rec.sessions.at(-1)!;
      expect(latest.renewed).toBe(true);
      expect(latest.at).toBe(due);
      expect(latest.session.url).not.toBe(rec.sessions.at(-2)!.session.url);
      expect(Date.parse(latest.session.expiresAt)).toBeGreaterThan(
        Date.parse(rec.sessions.at(-2)!.session.expiresAt),
      );
      expect(renewal.current).toBe(latest.session);
    }
    expect(rec.sessions.map((s) => s.renewed)).toEqual([false, true, true]);
    expect(rec.errors).toEqual([]);
    renewal.stop();
    expect(vt.pending()).toBe(0);
  });

  it('renewNow renews at once and reschedules; concurrent calls share one request', async () => {
    const rec = recorder();
    const renewal = createSessionRenewal({
      client: createBrokerClient({ baseUrl: broker.url, token, env: env() }),
      streamName: 'cam-1',
      onSession: (s, i) => rec.sessions.push({ session: s, renewed: i.renewed, at: vt.now() }),
      env: env(),
    });
    await renewal.start();
    const [a, b] = await Promise.all([renewal.renewNow(), renewal.renewNow()]);
    expect(a).toBe(b);
    expect(rec.sessions.map((s) => s.renewed)).toEqual([false, true]);
    expect(vt.pending()).toBe(1);
    renewal.stop();
  });

  it('retries a transient failure while the session lives, then reports it will not retry', async () => {
    const rec = recorder();
    let fail = false;
    const client = createBrokerClient({ baseUrl: broker.url, token, env: env() });
    const flaky = {
      ...client,
      createSession: (...args: Parameters<typeof client.createSession>) =>
        fail
          ? Promise.reject(new BrokerClientError('UPSTREAM_TIMEOUT', 'KVS did not answer', { status: 504 }))
          : client.createSession(...args),
    };
    const renewal = createSessionRenewal({
      client: flaky,
      streamName: 'cam-1',
      ...(rec as unknown as Pick<Parameters<typeof createSessionRenewal>[0], 'onSession' | 'onError'>),
      env: env(),
      renewBeforeMs: 20_000,
      jitterMs: 0,
      retryIntervalMs: 8_000,
    });
    const first = await renewal.start();
    const expires = Date.parse(first.expiresAt);
    fail = true;
    // at expiry - 20 s, then every 8 s * 1.25 (jitter 0.5 of a half): -20 s, -10 s, and -0 s is too late
    for (const expected of [
      { willRetry: true, at: expires - 20_000 },
      { willRetry: false, at: expires - 10_000 },
    ]) {
      const reported = rec.next();
      vt.advance(vt.nextDue()! - vt.now());
      await reported;
      expect(rec.errors.at(-1)).toEqual({ code: 'UPSTREAM_TIMEOUT', ...expected });
    }
    expect(vt.pending()).toBe(0);
    expect(renewal.current).toBe(first);
  });

  it('does not retry a refusal (FORBIDDEN: the grant is gone)', async () => {
    const rec = recorder();
    let current = token;
    const renewal = createSessionRenewal({
      client: createBrokerClient({ baseUrl: broker.url, token: () => current, env: env() }),
      streamName: 'cam-1',
      ...(rec as unknown as Pick<Parameters<typeof createSessionRenewal>[0], 'onSession' | 'onError'>),
      env: env(),
    });
    await renewal.start();
    current = await broker.devIssuer!.mint({
      sub: 'renewal-test',
      grants: [{ stream: 'cam-lobby' }],
      expiresInSeconds: 86400,
    });
    const reported = rec.next();
    vt.advance(renewal.nextRenewalAt! - vt.now());
    await reported;
    expect(rec.errors).toEqual([{ code: 'FORBIDDEN', willRetry: false, at: expect.any(Number) }]);
    expect(vt.pending()).toBe(0);
  });
});
