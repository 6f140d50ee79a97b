// THE table of the deployed Lambdas the bench measures: each with its floor, its targets and the one request a cold
// start serves. `npm run bench` builds every row's bundle and floor, and prints its bundle bytes against its budget
// (scripts/build.ts BUNDLE_BUDGET_BYTES) and its cold start against its floor's, from the same run.
//
// To add a Lambda:
//   1. its entry in lib/lambda-bundles.ts LAMBDA_BUNDLES and its budget in scripts/build.ts BUNDLE_BUDGET_BYTES
//      (the build and test/lambda/bundle-size.test.ts enforce it);
//   2. its floor, bench/floor/<name>.ts: the least code that does the same job for the same request (the SDK
//      clients it must call, with their defaults, and the calls; one audit line if it audits), so that the ratio
//      says what our code costs and nothing else; say in `floorStandsFor` what it is and why it is the floor;
//   3. a row below: the event of its cold start (bench/fixtures.ts has API Gateway's shapes) and what it must
//      answer. Its rows then appear in the printed table, bench/results/latest.md and the README's.
// Rows of its own (a rate, an own-time figure) go in a module beside bench/authorizer.ts, called from run.ts.
import type { LambdaBundleName } from '../lib/lambda-bundles';
import { BUNDLE_BUDGET_BYTES } from '../scripts/build';
import * as f from './fixtures';

export interface ColdEventContext {
  keys: f.Keys;
}

export interface BenchedLambda {
  bundle: LambdaBundleName;
  /** Its floor's entry point, built with the bundle's own build options. */
  floor: string;
  /** One sentence: what the floor runs, and why nothing less could do the job. */
  floorStandsFor: string;
  /** The one request a cold start serves. */
  coldEvent(context: ColdEventContext): Promise<unknown>;
  /** What that request must answer: a status code, or the authorizer's policy Effect. */
  expect: string | number;
  /** Cold start, whole process, at most this times the floor's. */
  coldStartTarget: number;
  /** Bundle bytes at most (from scripts/build.ts, where the build enforces it). */
  budgetBytes: number;
}

export const BENCHED_LAMBDAS: readonly BenchedLambda[] = [
  {
    bundle: 'authorizer',
    floor: 'bench/floor/authorizer.ts',
    floorStandsFor:
      'jose `jwtVerify` against the issuer remote JWKS, a trivial Allow and one JSON audit line: a decision that must be audited can do no less',
    coldEvent: async ({ keys }) => f.authorizerEvent(await keys.mint('ES256', 'cold'), 'cam-000'),
    expect: 'Allow',
    coldStartTarget: 1.1,
    budgetBytes: BUNDLE_BUDGET_BYTES.authorizer,
  },
  {
    bundle: 'broker',
    floor: 'bench/floor/broker.ts',
    floorStandsFor:
      'the two KVS clients with the SDK defaults making the two calls of a cold session (GetDataEndpoint, then GetDASHStreamingSessionURL) and one JSON audit line',
    coldEvent: async () => f.sessionEvent('cam-001'),
    expect: 200,
    coldStartTarget: 1.1,
    budgetBytes: BUNDLE_BUDGET_BYTES.broker,
  },
  {
    bundle: 'archive',
    floor: 'bench/floor/archive.ts',
    floorStandsFor:
      'the two KVS clients with the SDK defaults making the calls of a cold timeline of one minute (GetDataEndpoint, then one ListFragments page), the fragments as intervals, and one JSON audit line',
    coldEvent: async () => f.routeEvent('GET', 'timeline', 'cam-001', { query: lastSeconds(60, 0) }),
    expect: 200,
    coldStartTarget: 1.1,
    budgetBytes: BUNDLE_BUDGET_BYTES.archive,
  },
  {
    bundle: 'clip',
    floor: 'bench/floor/clip.ts',
    floorStandsFor:
      "a Lambda that streams its answer with the two KVS clients and the SDK defaults, making the calls of a cold clip (GetDataEndpoint, then GetClip) and piping GetClip's body to the response, and one JSON audit line",
    coldEvent: async () => f.routeEvent('GET', 'clip', 'cam-001', { query: lastSeconds(20, 10) }),
    expect: 200,
    coldStartTarget: 1.1,
    budgetBytes: BUNDLE_BUDGET_BYTES.clip,
  },
  {
    bundle: 'webrtc',
    floor: 'bench/floor/webrtc.ts',
    floorStandsFor:
      "the KVS and signaling clients with the SDK defaults making the calls of a cold viewer (DescribeSignalingChannel, GetSignalingChannelEndpoint, GetIceServerConfig), the ConnectAsViewer URL presigned with the SDK's SigV4 signer, and one JSON audit line",
    coldEvent: async () => f.routeEvent('POST', 'webrtc', 'cam-001'),
    expect: 200,
    coldStartTarget: 1.1,
    budgetBytes: BUNDLE_BUDGET_BYTES.webrtc,
  },
];

/** `from` and `to` query parameters: the `seconds` before `endAgo` seconds ago (GetClip's end must be past). */
function lastSeconds(seconds: number, endAgo: number): Record<string, string> {
  const to = Date.now() - endAgo * 1000;
  return { from: new Date(to - seconds * 1000).toISOString(), to: new Date(to).toISOString() };
}

/** The empty handler every cold start is also compared with (reported): what node and the harness cost. */
export const EMPTY_FLOOR = 'bench/floor/empty.ts';
