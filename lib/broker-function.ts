// How the broker's two Lambdas are built: one role, one log group and one bundling recipe per function.
import { fileURLToPath } from 'node:url';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The project root, found from this file so that synth works from any working directory. */
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const LAMBDA_ENTRIES = {
  authorizer: fileURLToPath(new URL('../lambda/authorizer/index.ts', import.meta.url)),
  broker: fileURLToPath(new URL('../lambda/broker/index.ts', import.meta.url)),
} as const;

/**
 * ESM bundles have no `require`; some CommonJS dependencies bundled into them still call it for Node
 * built-ins. The banner gives them one. The local name avoids clashing with anything esbuild emits.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __kvsCreateRequire } from 'node:module'; const require = __kvsCreateRequire(import.meta.url);";

export interface BrokerFunctionProps {
  readonly entry: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly architecture: lambda.Architecture;
  readonly tracing: boolean;
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * A Node.js 24 function with its own execution role and log group. The role gets write access to that
 * one log group and nothing else; callers add the function's own permissions.
 */
export class BrokerFunction extends Construct {
  readonly function: NodejsFunction;
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

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: props.architecture,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      environment: props.environment,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        // Stack traces map to file:line without shipping every dependency's source text.
        sourcesContent: false,
        // The SDK v3 is in the Lambda runtime, but its version there changes without notice, and the broker
        // pairs the KVS clients with a pinned @smithy/node-http-handler and is tested against the emulator
        // with the versions in package-lock.json. Bundling those exact versions keeps what we test what we
        // run; ESM + minify tree-shakes the two KVS clients down to the commands we call.
        bundleAwsSDK: true,
        // No Docker in CI or on build machines: bundle with the esbuild from devDependencies.
        forceDockerBundling: false,
        logLevel: LogLevel.WARNING,
      },
    });
  }
}
