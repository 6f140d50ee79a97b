/* global process, performance, URL */
// Authorizer decisions per second against bare jose, in one process: the deployed bundle's handler (audit
// logging on, to this process's stdout, which the parent discards) and `jwtVerify` on the same tokens and the
// same remote key set, in rounds of 50 tokens that alternate which goes first. Reports each round's rates over IPC.
// argv: <authorizer bundle> <events JSON file: [{alg, event}]> <rounds>
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

async function ours(list) {
  for (const { event } of list) {
    const policy = await handler(event, context);
    if (policy.policyDocument.Statement[0].Effect !== 'Allow') throw new Error('not allowed');
  }
}

async function floor(list) {
  for (const { alg, event } of list) {
    const token = event.headers.Authorization.slice(7);
    await jwtVerify(token, keys, { issuer: issuer.issuer, audience: issuer.audience, algorithms: [alg] });
  }
}

async function rate(fn, list) {
  const start = performance.now();
  await fn(list);
  return (list.length / (performance.now() - start)) * 1000;
}

const result = {};
for (const alg of ['RS256', 'ES256']) {
  const list = events.filter((e) => e.alg === alg);
  await ours(list); // warm-up: JWKS fetch, JIT
  await floor(list);
  // Short rounds (a slice of the tokens each), many of them: a burst of load from elsewhere on the machine then
  // spoils a few pairs, which the median leaves out, instead of one side of a long round.
  const rounds_ = [];
  for (let i = 0; i < rounds; i += 1) {
    const start = (i * SLICE) % list.length;
    const slice = list.slice(start, start + SLICE);
    if (i % 2 === 0) rounds_.push({ ours: await rate(ours, slice), floor: await rate(floor, slice) });
    else {
      const f = await rate(floor, slice);
      rounds_.push({ ours: await rate(ours, slice), floor: f });
    }
  }
  result[alg] = rounds_;
}
process.send(result, () => process.exit(0));
