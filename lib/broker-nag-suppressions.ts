// cdk-nag: the AwsSolutions findings the broker construct accepts by design, each with its reason (lib/nag.ts writes
// them for cdk-nag 2 and 3 alike).
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { RouteLambda } from '../lambda/contract/routes';
import { acceptNagFindings, nagFindingValue } from './nag';

/** What the accepted findings depend on: they follow the props. */
export interface BrokerNagContext {
  readonly api: apigw.RestApi;
  readonly hasWebAcl: boolean;
  readonly tracing: boolean;
  readonly authorizerRole: iam.Role;
  /** The roles of the functions of the route table. */
  readonly functionRoles: Readonly<Record<RouteLambda, iam.Role>>;
  /** The stream ARNs of the functions' KVS statements (lib/stream-permissions.ts). */
  readonly streamArns: readonly string[];
}

/** The cdk-nag AwsSolutions findings the broker accepts, each with its reason. */
export function addBrokerNagSuppressions(context: BrokerNagContext): void {
  const { api, hasWebAcl, tracing, authorizerRole, functionRoles } = context;
  acceptNagFindings(api, [
    {
      id: 'AwsSolutions-APIG2',
      reason:
        'Requests are validated in the broker Lambda against the one request schema, so that errors carry the documented error codes and name the field; an API Gateway model would duplicate it with other messages.',
    },
    {
      id: 'AwsSolutions-COG4',
      reason:
        'Callers hold JWTs from several external identity providers (docs/tokens.md); a Lambda REQUEST authorizer verifies them. Cognito is not used.',
    },
    ...(hasWebAcl
      ? []
      : [
          {
            id: 'AwsSolutions-APIG3',
            reason:
              'config.api.tokenRateLimit and config.api.ipRateLimit are false and no webAclArn is given: the deployer turned the web ACL off; every route stays behind the JWT authorizer and stage throttling.',
          },
        ]),
  ]);
  const xray = 'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions.';
  if (tracing) {
    acceptNagFindings(authorizerRole, [{ id: 'AwsSolutions-IAM5', reason: xray, findings: ['Resource::*'] }]);
  }
  for (const [name, role] of Object.entries(functionRoles) as [RouteLambda, iam.Role][]) {
    const streams = name === 'webrtc' ? [] : wildcardFindings(role, context.streamArns);
    // ListStreams (the broker's discovery) and X-Ray segments: `*` only.
    const anyResource = [
      ...(name === 'broker'
        ? ['KVS ListStreams (discovery route) supports no resource-level permissions.']
        : []),
      ...(tracing ? [xray] : []),
    ];
    acceptNagFindings(role, [
      ...(anyResource.length > 0
        ? [{ id: 'AwsSolutions-IAM5', reason: anyResource.join(' '), findings: ['Resource::*'] }]
        : []),
      ...(streams.length > 0
        ? [
            {
              id: 'AwsSolutions-IAM5',
              reason:
                'Derived from config.streams: a stream ARN ends in its creation time, so an exact name is stream/NAME/*; a configured prefix is stream/PREFIX*.',
              findings: streams,
            },
          ]
        : []),
    ]);
  }
}

/** The findings of ARNs with a wildcard in their resource name (not `*` alone), as cdk-nag names them. */
function wildcardFindings(role: iam.Role, arns: readonly string[]): string[] {
  return arns
    .map((arn) => `Resource::${nagFindingValue(role, arn)}`)
    .filter((finding) => finding !== 'Resource::*' && finding.includes('*'));
}
