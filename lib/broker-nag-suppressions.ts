// cdk-nag: the AwsSolutions findings the broker construct accepts by design, each with its reason (lib/nag.ts writes
// them for cdk-nag 2 and 3 alike).
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { acceptNagFindings, nagFindingValue } from './nag';

/** What the accepted findings depend on: they follow the props. */
export interface BrokerNagContext {
  readonly api: apigw.RestApi;
  readonly hasWebAcl: boolean;
  readonly tracing: boolean;
  readonly authorizerRole: iam.Role;
  readonly brokerRole: iam.Role;
  /** The stream ARNs of the broker role's playback statement (lib/stream-permissions.ts). */
  readonly streamArns: readonly string[];
}

/** The cdk-nag AwsSolutions findings the broker accepts, each with its reason. */
export function addBrokerNagSuppressions(context: BrokerNagContext): void {
  const { api, hasWebAcl, tracing, authorizerRole, brokerRole } = context;
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
  const streams = context.streamArns
    .map((arn) => `Resource::${nagFindingValue(brokerRole, arn)}`)
    .filter((finding) => finding !== 'Resource::*' && finding.includes('*'));
  acceptNagFindings(brokerRole, [
    {
      id: 'AwsSolutions-IAM5',
      reason: `KVS ListStreams (discovery route) supports no resource-level permissions.${tracing ? ` ${xray}` : ''}`,
      findings: ['Resource::*'],
    },
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
