// How the broker's Lambdas are built: one role, one log group and one prebuilt bundle per function.
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUNDLE_HANDLER, lambdaBundleCode, type LambdaBundleName } from './lambda-bundles';
import type { RouteLambda } from '../lambda/contract/routes';
import { acceptNagFindings } from './nag';

/** The runtime the bundles are built for (esbuild target node24) and tested on. */
export const DEFAULT_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** The problem with a runtime the bundles cannot run on, if any: Node.js 24 or newer only. */
export function runtimeProblem(runtime: lambda.Runtime): string | undefined {
  const major = /^nodejs(\d+)\.x$/.exec(runtime.name)?.[1];
  return major !== undefined && Number(major) >= 24
    ? undefined
    : `runtime: must be a Node.js runtime from nodejs24.x on (the bundles are built for Node 24), got '${runtime.name}'`;
}

export interface BrokerFunctionProps {
  /** Which prebuilt bundle (lib/lambda-bundles.ts) the function runs. */
  readonly bundle: LambdaBundleName;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly architecture: lambda.Architecture;
  /** @default DEFAULT_RUNTIME */
  readonly runtime?: lambda.Runtime;
  readonly tracing: boolean;
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * A Node.js function (24 unless `runtime` says a newer one) with its own execution role and log group. The role gets write access to that
 * one log group and nothing else; callers add the function's own permissions.
 *
 * The code is the bundle `npm run build` made (esbuild, minified ESM with a source map, the AWS SDK bundled
 * in at the versions we test against the emulator rather than whatever the runtime carries that day), so a
 * consumer's synth needs neither esbuild nor Docker.
 */
export class BrokerFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BrokerFunctionProps) {
    super(scope, id);

    // Explicit log group: the audit lines live here, so retention and removal are ours to set.
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });

    // Explicit role instead of AWSLambdaBasicExecutionRole: that managed policy may write to any log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.description}`,
    });
    this.logGroup.grantWrite(this.role);

    const runtime = props.runtime ?? DEFAULT_RUNTIME;
    const problem = runtimeProblem(runtime);
    if (problem !== undefined) throw new Error(`${props.description}: ${problem}`);
    this.function = new lambda.Function(this, 'Function', {
      code: lambdaBundleCode(props.bundle),
      handler: BUNDLE_HANDLER,
      description: props.description,
      runtime,
      architecture: props.architecture,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      environment: props.environment,
    });
    if (runtime.name === DEFAULT_RUNTIME.name) {
      acceptNagFindings(this.function, [
        {
          id: 'AwsSolutions-L1',
          reason: `${DEFAULT_RUNTIME.name} is the runtime the bundles are built for (esbuild target node24) and tested on; the construct's runtime prop picks a newer Node.js runtime once you have tested it (README "Use it in your own CDK app").`,
        },
      ]);
    }
  }
}

/** Each function of the route table: its construct id (the broker's kept from when it served every route). */
export const ROUTE_FUNCTIONS: Record<RouteLambda, { id: string; description: string }> = {
  broker: { id: 'Broker', description: 'session broker' },
  archive: { id: 'Archive', description: 'archive (timeline, images)' },
  clip: { id: 'Clip', description: 'clip (streamed MP4)' },
  webrtc: { id: 'Webrtc', description: 'WebRTC viewers' },
};

export function entriesOf<V>(record: Record<RouteLambda, V>): [RouteLambda, V][] {
  return Object.entries(record) as [RouteLambda, V][];
}

export function mapValues<V, W>(
  record: Record<RouteLambda, V>,
  f: (value: V, name: RouteLambda) => W,
): Record<RouteLambda, W> {
  return Object.fromEntries(entriesOf(record).map(([name, v]) => [name, f(v, name)])) as Record<
    RouteLambda,
    W
  >;
}
