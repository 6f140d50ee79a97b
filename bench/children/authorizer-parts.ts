// Where our part of one authorizer decision goes, piece by piece, timed IN SITU: each piece runs right after an
// `await jwtVerify(...)` of the next token (jose verifies on libuv's thread pool while the main thread sleeps, as in
// a real decision), on that token's verified payload, and only the piece is timed. A piece timed in a hot loop
// instead looks 3-6x cheaper than it is in a decision (caches and inline caches still warm). Microseconds per call,
// medians of rounds, the timer's own cost (an empty piece) subtracted. Rows marked "not deployed" say what a
// choice would cost (Powertools Logger, middy). Log lines go to stdout (discarded). argv: <rounds>
import { POLICY_PATHS } from '../../lambda/contract/routes';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { grantEntryCount, readGrants } from '../../lambda/core/grants';
import { allowPolicy, createPolicyMemo } from '../../lambda/core/policy';
import { bearerToken } from '../../lambda/core/bearer';
import { logSafe } from '../../lambda/core/audit';
import { JsonLogger } from '../../lambda/runtime/json-logger';
import { validateConfig } from '../../lambda/runtime/validate';
import * as f from '../fixtures';
import { median, round } from '../stats';

const rounds = Number(process.argv[2] ?? 5);
const TOKENS = 200;
const keys = await f.createKeys();
const set = createLocalJWKSet(keys.jwks as JSONWebKeySet);
const issuer = validateConfig(f.deployedConfig('https://idp.bench.example/jwks')).issuers[0]!;
const tokens: string[] = [];
for (let i = 0; i < TOKENS; i += 1) {
  tokens.push(await keys.mint('ES256', `user-${i}`, [{ stream: 'site7-*' }, { stream: `cam-${i}` }]));
}
const events = tokens.map((t, i) => f.authorizerEvent(t, `cam-${i}`));
const powertools = new Logger({ serviceName: 'kvs-session-broker' });
const lean = new JsonLogger({ serviceName: 'kvs-session-broker' });
const context = f.lambdaContext('bench') as unknown as Context;
const emptyPowertools = middy(async () => 1).use(
  injectLambdaContext(powertools, { resetKeys: true, logEvent: false }),
);

interface Turn {
  i: number;
  payload: JWTPayload;
}
const line = ({ i, payload }: Turn) => ({
  requestId: logSafe(events[i]!.requestContext.requestId),
  extendedRequestId: undefined,
  issuer: issuer.issuer,
  sub: payload.sub,
  grants: 2,
  ignoredGrants: 0,
});
const grantsOf = (payload: JWTPayload) => readGrants(payload, issuer).grants;
const memo = createPolicyMemo();

const pieces: Record<string, (turn: Turn) => unknown> = {
  'empty piece (timer cost, subtracted from the others)': () => undefined,
  'bearerToken (header regex)': ({ i }) => bearerToken(events[i]!.headers),
  'decodeJwt (only to explain a failure, with one issuer)': ({ i }) => decodeJwt(tokens[i]!),
  'grantEntryCount + readGrants (2 grants)': ({ payload }) => {
    grantEntryCount(payload, issuer);
    return readGrants(payload, issuer);
  },
  'readGrants + allowPolicy, a grant set not seen before (no memo)': ({ i, payload }) =>
    allowPolicy(
      events[i]!.methodArn,
      {
        sub: payload.sub!,
        issuer: issuer.issuer,
        exp: payload.exp!,
        grants: grantsOf(payload),
      },
      POLICY_PATHS,
    ),
  'readGrants + allowPolicy, a grant set seen before (memo, deployed)': ({ i, payload }) =>
    allowPolicy(
      events[i]!.methodArn,
      { sub: payload.sub!, issuer: issuer.issuer, exp: payload.exp!, grants: grantsOf(payload) },
      POLICY_PATHS,
      memo,
    ),
  'JsonLogger.addContext': () => lean.addContext(context),
  'audit line, JsonLogger.info (deployed)': (turn) => lean.info('token accepted', line(turn)),
  'audit line, one JSON.stringify to stdout (the floor)': (turn) =>
    process.stdout.write(`${JSON.stringify({ level: 'INFO', message: 'token accepted', ...line(turn) })}\n`),
  'audit line, Powertools Logger.info (not deployed)': (turn) =>
    powertools.info('token accepted', line(turn)),
  'middy + Powertools injectLambdaContext, empty handler (not deployed)': ({ i }) =>
    emptyPowertools(events[i]!, context),
};

/** Microseconds of `piece` per call, each call right after a verification on the thread pool. */
async function inSitu(piece: (turn: Turn) => unknown, n: number): Promise<number> {
  let total = 0n;
  for (let k = 0; k < n; k += 1) {
    const i = k % TOKENS;
    const { payload } = await jwtVerify(tokens[i]!, set, { issuer: f.ISSUER, audience: f.AUDIENCE });
    const start = process.hrtime.bigint();
    const out = piece({ i, payload });
    if (out instanceof Promise) await out;
    total += process.hrtime.bigint() - start;
  }
  return Number(total) / 1000 / n;
}

const results: Record<string, number[]> = {};
for (const piece of Object.values(pieces)) await inSitu(piece, 200); // warm-up: JIT
for (let r = 0; r < rounds; r += 1) {
  for (const [name, piece] of Object.entries(pieces)) (results[name] ??= []).push(await inSitu(piece, 400));
}
const timer = median(Object.values(results)[0]!);
process.send!(
  Object.fromEntries(
    Object.entries(results).map(([k, v], index) => [k, round(index === 0 ? timer : median(v) - timer, 2)]),
  ),
  () => process.exit(0),
);
