/* global process, performance, URL */
// Authorizer decisions per second and CPU per decision, in one process, three ways on the same tokens:
//   ours   the deployed bundle's handler (its audit line to this process's stdout, which the parent discards)
//   floor  jose `jwtVerify` on the same remote key set, then ONE JSON audit line to stdout with the same keys as ours:
//          the least a decision that must be audited can do (bench/README.md)
//   jose   bare `jwtVerify` (reported: not a floor, since a decision must be audited)
// in short rounds of 50 tokens whose order rotates (ours, floor, jose; floor, jose, ours; ...). CPU is the
// process's user + system time (process.cpuUsage: all threads, libuv's thread pool where jose verifies included).
// Reports each round's figures over IPC. argv: <authorizer bundle> <events JSON file: [{alg, event}]> <rounds>
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const [bundle, eventsFile, roundsArg] = process.argv.slice(2);
const events = JSON.parse(readFileSync(eventsFile, 'utf8'));
const rounds = Number(roundsArg);
const SLICE = 50;
const config = JSON.parse(process.env.KVS_BROKER_CONFIG);
const issuer = config.issuers[0];
const { handler } = await import(pathToFileURL(bundle).href);
const keys = createRemoteJWKSet(new URL(issuer.jwksUri));
const context = {
  awsRequestId: 'bench',
  functionName: 'bench',
  memoryLimitInMB: '512',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench',
  getRemainingTimeInMillis: () => 29_000,
};

const sides = {
  async ours(list) {
    for (const { event } of list) {
      const policy = await handler(event, context);
      if (policy.policyDocument.Statement[0].Effect !== 'Allow') throw new Error('not allowed');
    }
  },
  async floor(list) {
    for (const { alg, event } of list) {
      const token = event.headers.Authorization.slice(7);
      const { payload } = await jwtVerify(token, keys, {
        issuer: issuer.issuer,
        audience: issuer.audience,
        algorithms: [alg],
      });
      const line = {
        level: 'INFO',
        message: 'token accepted',
        timestamp: new Date().toISOString(),
        service: 'kvs-session-broker',
        requestId: event.requestContext.requestId,
        extendedRequestId: event.requestContext.extendedRequestId,
        issuer: payload.iss,
        sub: payload.sub,
        grants: payload.kvs.length,
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  },
  async jose(list) {
    for (const { alg, event } of list) {
      const token = event.headers.Authorization.slice(7);
      await jwtVerify(token, keys, { issuer: issuer.issuer, audience: issuer.audience, algorithms: [alg] });
    }
  },
};
const ORDER = ['ours', 'floor', 'jose'];

/** Decisions per second and CPU microseconds per decision of one side over one slice. */
async function measure(fn, list) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await fn(list);
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { perSecond: (list.length / wall) * 1000, cpuUs: (used.user + used.system) / list.length };
}

const result = {};
for (const alg of ['RS256', 'ES256']) {
  const list = events.filter((e) => e.alg === alg);
  for (const side of ORDER) await sides[side](list); // warm-up: JWKS fetch, JIT
  // Short rounds (a slice of the tokens each), many of them: a burst of load from elsewhere on the machine then
  // spoils a few rounds, which the median leaves out, instead of one side of a long round.
  const perRound = [];
  for (let i = 0; i < rounds; i += 1) {
    const start = (i * SLICE) % list.length;
    const slice = list.slice(start, start + SLICE);
    const row = {};
    for (let k = 0; k < ORDER.length; k += 1) {
      const side = ORDER[(i + k) % ORDER.length];
      row[side] = await measure(sides[side], slice);
    }
    perRound.push(row);
  }
  result[alg] = perRound;
}
process.send(result, () => process.exit(0));
