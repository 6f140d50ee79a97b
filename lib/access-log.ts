// The API's JSON access log line: who called what and how it ended. Never a header value or a query string.
import * as apigw from 'aws-cdk-lib/aws-apigateway';

const F = apigw.AccessLogField;

/** Fields rendered as JSON strings. `$context.path` is the path only: API Gateway keeps the query string apart. */
const STRING_FIELDS: Record<string, string> = {
  requestId: F.contextRequestId(),
  extendedRequestId: F.contextExtendedRequestId(),
  requestTime: F.contextRequestTime(),
  requestTimeEpoch: F.contextRequestTimeEpoch(),
  httpMethod: F.contextHttpMethod(),
  resourcePath: F.contextResourcePath(),
  path: F.contextPath(),
  protocol: F.contextProtocol(),
  status: F.contextStatus(),
  responseLength: F.contextResponseLength(),
  responseLatency: F.contextResponseLatency(),
  integrationStatus: F.contextIntegrationStatus(),
  integrationLatency: F.contextIntegrationLatency(),
  sourceIp: F.contextIdentitySourceIp(),
  userAgent: F.contextIdentityUserAgent(),
  principalId: F.contextAuthorizerPrincipalId(),
  authorizerStatus: F.contextAuthorizerStatus(),
  authorizerLatency: F.contextAuthorizerLatency(),
  authorizerError: F.contextAuthorizerError(),
  errorType: F.contextErrorResponseType(),
  xrayTraceId: F.contextXrayTraceId(),
};

/** Fields API Gateway already renders as quoted JSON strings (messages may contain quotes). */
const QUOTED_FIELDS: Record<string, string> = {
  errorMessage: F.contextErrorMessageString(),
};

/** The access log format: one JSON object per request. */
export function accessLogFormat(): apigw.AccessLogFormat {
  const members = [
    ...Object.entries(STRING_FIELDS).map(([key, value]) => `"${key}":"${value}"`),
    ...Object.entries(QUOTED_FIELDS).map(([key, value]) => `"${key}":${value}`),
  ];
  return apigw.AccessLogFormat.custom(`{${members.join(',')}}`);
}
