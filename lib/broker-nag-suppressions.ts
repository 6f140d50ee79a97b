// cdk-nag: the AwsSolutions findings the broker construct accepts by design, each with its reason.
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';

/** The cdk-nag AwsSolutions findings the broker accepts, each with its reason; they follow the props. */
// eslint-disable-next-line max-lines-per-function -- a list of suppressions, each with its reason: split, the reasons would be scattered
export function addBrokerNagSuppressions(
  api: apigw.RestApi,
  hasWebAcl: boolean,
  tracing: boolean,
  authorizerRole: iam.Role,
  brokerRole: iam.Role,
): void {
  NagSuppressions.addResourceSuppressions(
    api,
    [
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
    ],
    true,
  );
  const xray = 'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions.';
  if (tracing) {
    NagSuppressions.addResourceSuppressions(
      authorizerRole,
      [{ id: 'AwsSolutions-IAM5', reason: xray, appliesTo: ['Resource::*'] }],
      true,
    );
  }
  NagSuppressions.addResourceSuppressions(
    brokerRole,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason: `KVS ListStreams (discovery route) supports no resource-level permissions.${tracing ? ` ${xray}` : ''}`,
        appliesTo: ['Resource::*'],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'Derived from config.streams: a stream ARN ends in its creation time, so an exact name is stream/NAME/*; a configured prefix is stream/PREFIX*.',
        appliesTo: [
          {
            regex:
              '/^Resource::arn:<AWS::Partition>:kinesisvideo:<AWS::Region>:<AWS::AccountId>:stream\\/.*$/g',
          },
        ],
      },
    ],
    true,
  );
}
