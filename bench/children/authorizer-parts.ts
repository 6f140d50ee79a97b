// Where one authorizer decision's time goes, piece by piece, in-process (the pieces lambda/authorizer/
// authorizer.ts runs per token): each timed alone in a loop, in microseconds per call, medians of rounds.
// The JWT signature check itself is the floor; everything else is ours. Log lines go to stdout (discarded).
import { ROUTES } from '../../lambda/contract/routes';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import { readGrants } from '../../lambda/core/grants';
import { allowPolicy } from '../../lambda/core/policy';
import { bearerToken } from '../../lambda/core/bearer';
import { JsonLogger, lambdaContextKeys } from '../variants/lean-log';
import { validateConfig } from '../../lambda/runtime/validate';
import * as f from '../fixtures';
import { median, round } from '../stats';

const rounds = Number(process.argv[2] ?? 5);
const keys = await f.createKeys();
const set = createLocalJWKSet(keys.jwks as JSONWebKeySet);
const issuer = validateConfig(f.deployedConfig('https://idp.bench.example/jwks')).issuers[0]!;
const tokens = { RS256: [] as string[], ES256: [] as string[] };
for (let i = 0; i < 200; i += 1) {
  tokens.RS256.push(await keys.mint('RS256', `user-${i}`, [{ stream: 'site7-*' }, { stream: `cam-${i}` }]));
  tokens.ES256.push(await keys.mint('ES256', `user-${i}`, [{ stream: 'site7-*' }, { stream: `cam-${i}` }]));
}
const event = f.authorizerEvent(tokens.ES256[0]!, 'cam-001');
const payload = decodeJwt(tokens.ES256[0]!);
const grants = readGrants(payload, issuer).grants;
const powertools = new Logger({ serviceName: 'kvs-session-broker' });
const lean = new JsonLogger({ serviceName: 'kvs-session-broker' });
const context = f.lambdaContext('bench') as unknown as Context;
const emptyPowertools = middy(async () => 1).use(
  injectLambdaContext(powertools, { resetKeys: true, logEvent: false }),
);
const emptyLean = middy(async () => 1).use(lambdaContextKeys(lean));
const line = { requestId: 'r', issuer: issuer.issuer, sub: 'user-1', grants: 2, ignoredGrants: 0 };

const pieces: Record<string, (i: number) => unknown> = {
  'jwtVerify RS256 (floor)': (i) =>
    jwtVerify(tokens.RS256[i % 200]!, set, { issuer: f.ISSUER, audience: f.AUDIENCE, algorithms: ['RS256'] }),
  'jwtVerify ES256 (floor)': (i) =>
    jwtVerify(tokens.ES256[i % 200]!, set, { issuer: f.ISSUER, audience: f.AUDIENCE, algorithms: ['ES256'] }),
  'bearerToken (header regex)': () => bearerToken(event.headers),
  'decodeJwt (issuer before verifying)': (i) => decodeJwt(tokens.ES256[i % 200]!),
  'readGrants (2 grants)': () => readGrants(payload, issuer),
  'allowPolicy (2 grants)': () =>
    allowPolicy(event.methodArn, { sub: 'user-1', issuer: issuer.issuer, exp: 2e9, grants }, ROUTES),
  'middy + Powertools injectLambdaContext, empty handler': () => emptyPowertools(event, context),
  'middy + lambdaContextKeys (lambda/runtime), empty handler': () => emptyLean(event, context),
  'audit line, Powertools Logger.info': () => powertools.info('token accepted', line),
  'audit line, lambda/runtime JsonLogger.info': () => lean.info('token accepted', line),
};

async function time(fn: (i: number) => unknown, n: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1) await fn(i);
  return Number(process.hrtime.bigint() - start) / 1000 / n;
}

const results: Record<string, number[]> = {};
for (const fn of Object.values(pieces)) await time(fn, 500); // warm-up
for (let r = 0; r < rounds; r += 1) {
  for (const [name, fn] of Object.entries(pieces)) {
    (results[name] ??= []).push(await time(fn, name.startsWith('jwtVerify') ? 400 : 4000));
  }
}
process.send!(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, round(median(v), 2)])), () =>
  process.exit(0),
);
