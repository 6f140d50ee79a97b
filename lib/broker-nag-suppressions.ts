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
  /** The channel ARNs of the WebRTC function's statement, with config `webrtc`. */
  readonly channelArns: readonly string[];
}

const XRAY = 'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions.';

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
  if (tracing) {
    acceptNagFindings(authorizerRole, [{ id: 'AwsSolutions-IAM5', reason: XRAY, findings: ['Resource::*'] }]);
  }
  for (const [name, role] of Object.entries(functionRoles) as [RouteLambda, iam.Role][]) {
    acceptFunctionRoleFindings(name, role, context);
  }
}

const STREAM_ARNS_REASON =
  'Derived from config.streams: a stream ARN ends in its creation time, so an exact name is stream/NAME/*; a configured prefix is stream/PREFIX*.';
const CHANNEL_ARNS_REASON =
  'Derived from config.streams through webrtc.channelName: a channel ARN ends in its creation time, so each mapped channel is channel/NAME/*, a prefix channel/PREFIX*/*.';

/** One route function's role: `*` for ListStreams (the broker) and X-Ray; its stream or channel ARNs. */
function acceptFunctionRoleFindings(name: RouteLambda, role: iam.Role, context: BrokerNagContext): void {
  const arns = wildcardFindings(role, name === 'webrtc' ? context.channelArns : context.streamArns);
  const anyResource = [
    ...(name === 'broker'
      ? ['KVS ListStreams (discovery route) supports no resource-level permissions.']
      : []),
    ...(context.tracing ? [XRAY] : []),
  ];
  acceptNagFindings(role, [
    ...(anyResource.length > 0
      ? [{ id: 'AwsSolutions-IAM5', reason: anyResource.join(' '), findings: ['Resource::*'] }]
      : []),
    ...(arns.length > 0
      ? [
          {
            id: 'AwsSolutions-IAM5',
            reason: name === 'webrtc' ? CHANNEL_ARNS_REASON : STREAM_ARNS_REASON,
            findings: arns,
          },
        ]
      : []),
  ]);
}

/** The findings of ARNs with a wildcard in their resource name (not `*` alone), as cdk-nag names them. */
function wildcardFindings(role: iam.Role, arns: readonly string[]): string[] {
  return arns
    .map((arn) => `Resource::${nagFindingValue(role, arn)}`)
    .filter((finding) => finding !== 'Resource::*' && finding.includes('*'));
}
