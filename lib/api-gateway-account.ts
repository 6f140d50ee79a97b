// The region's API Gateway account settings (CloudWatch role), created only when a stack asks for them.
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { acceptNagFindings, nagFindingValue } from './nag';
import type { Construct } from 'constructs';

/**
 * The account-level settings API Gateway needs to write any stage's access and execution logs in this region
 * (AWS::ApiGateway::Account with a CloudWatch role): one setting per account and region, so only on request.
 */
export function addApiGatewayAccount(scope: Construct, api: apigw.RestApi): void {
  const stack = Stack.of(scope);
  const logGroupsInRegion = stack.formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: '*',
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const role = new iam.Role(scope, 'ApiGatewayCloudWatchRole', {
    assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
    description: 'API Gateway account role: writes REST API access and execution logs in this region',
    inlinePolicies: {
      PushToCloudWatchLogs: new iam.PolicyDocument({
        // The actions of AWSManagedPolicy AmazonAPIGatewayPushToCloudWatchLogs, limited to log groups of
        // this account and region. Not narrower: the setting serves every REST API in the region.
        statements: [
          new iam.PolicyStatement({
            actions: [
              'logs:CreateLogGroup',
              'logs:CreateLogStream',
              'logs:DescribeLogGroups',
              'logs:DescribeLogStreams',
              'logs:PutLogEvents',
              'logs:GetLogEvents',
              'logs:FilterLogEvents',
            ],
            resources: [logGroupsInRegion],
          }),
        ],
      }),
    },
  });
  role.applyRemovalPolicy(RemovalPolicy.RETAIN);
  const account = new apigw.CfnAccount(scope, 'ApiGatewayAccount', { cloudWatchRoleArn: role.roleArn });
  api.deploymentStage.node.addDependency(account);
  acceptNagFindings(role, [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'The API Gateway account role serves every REST API of this account and region, whose log group names are not known here; it is limited to log groups of this account and region.',
      findings: [`Resource::${nagFindingValue(role, logGroupsInRegion)}`],
    },
  ]);
}
