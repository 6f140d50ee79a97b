/* global process, performance */
// One cold start, in a fresh `node` (no loader, no TypeScript): import a bundle and serve one request with it.
// Prints one line: @@cold {"importMs", "firstCallMs", "totalMs", "outcome"}, times from this file's first line.
// argv: <bundle index.mjs> <event JSON file>
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
// A function that streams its answer (the clip) needs Lambda's `awslambda` global when its handler is made.
import './awslambda-stand-in.mjs';

const t0 = performance.now();
const [bundle, eventFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const context = {
  awsRequestId: 'bench-request',
  functionName: 'bench',
  functionVersion: '$LATEST',
  memoryLimitInMB: '512',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench',
  logGroupName: '/aws/lambda/bench',
  logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 29_000,
};
const tRead = performance.now();
const { handler } = await import(pathToFileURL(bundle).href);
const t1 = performance.now();
let outcome;
try {
  const result = await handler(event, context);
  outcome = result?.statusCode ?? result?.policyDocument?.Statement?.[0]?.Effect ?? 'unknown';
} catch (error) {
  outcome = `threw ${error instanceof Error ? error.message : String(error)}`;
}
const t2 = performance.now();
process.stdout.write(
  `\n@@cold ${JSON.stringify({ importMs: t1 - tRead, firstCallMs: t2 - t1, totalMs: t2 - tRead, setupMs: tRead - t0, outcome })}\n`,
);
