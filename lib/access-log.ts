// The API's JSON access log line: who called what and how it ended. Never a header value (beyond the
// User-Agent) or a query string, and never the authorizer's `grants`.
//
// It is also an audit line (README (Observability and audit)). When the authorizer's cached policy does not cover a
// stream, API Gateway answers 403 without calling the broker, so this line is the only trace of that
// decision. It carries `"audit":"kvs-gateway"` and the same `time`, `requestId`, `sub`, `issuer`,
// `sourceIp` and `userAgent` names as the broker's `"audit":"kvs-session"` lines, so that one Logs
// Insights query reads both.
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { GATEWAY_AUDIT } from '../lambda/core/telemetry';

const F = apigw.AccessLogField;

/** The value of the `audit` field of every access log line. */
export { GATEWAY_AUDIT };

/** A JSON object of access log fields: a value is a `$context` variable or a nested object of them. */
interface Fields {
  readonly [key: string]: string | Quoted | Fields;
}

/** A variable API Gateway renders as a quoted and escaped JSON string itself (messages may contain quotes). */
class Quoted {
  constructor(readonly variable: string) {}
}

/**
 * The fields of one line. Every value but `audit` and `error.message` is a `$context` variable inside
 * quotes: API Gateway writes `-` for a value it does not have, so numbers are strings too.
 */
const FIELDS: Fields = {
  audit: GATEWAY_AUDIT,
  /** CLF-formatted (dd/MMM/yyyy:HH:mm:ss +-hhmm); `requestTimeEpoch` is the same instant in ms. */
  time: F.contextRequestTime(),
  requestTimeEpoch: F.contextRequestTimeEpoch(),
  requestId: F.contextRequestId(),
  extendedRequestId: F.contextExtendedRequestId(),
  sourceIp: F.contextIdentitySourceIp(),
  userAgent: F.contextIdentityUserAgent(),
  httpMethod: F.contextHttpMethod(),
  resourcePath: F.contextResourcePath(),
  /** The request path with the stage, e.g. /prod/v1/streams/cam-1/sessions: never the query string. */
  path: F.contextPath(),
  protocol: F.contextProtocol(),
  status: F.contextStatus(),
  responseLength: F.contextResponseLength(),
  responseLatency: F.contextResponseLatency(),
  integrationStatus: F.contextIntegrationStatus(),
  integrationLatency: F.contextIntegrationLatency(),
  /** The authorizer's principalId (the token's sub) and two of its context keys; never `grants`. */
  principalId: F.contextAuthorizerPrincipalId(),
  sub: F.contextAuthorizer('sub'),
  issuer: F.contextAuthorizer('issuer'),
  authorizerStatus: F.contextAuthorizerStatus(),
  authorizerLatency: F.contextAuthorizerLatency(),
  authorizerError: F.contextAuthorizerError(),
  /** Set when API Gateway answered itself: ACCESS_DENIED for a stream the cached policy does not cover. */
  error: {
    responseType: F.contextErrorResponseType(),
    message: new Quoted(F.contextErrorMessageString()),
  },
  xrayTraceId: F.contextXrayTraceId(),
};

function render(fields: Fields): string {
  const members = Object.entries(fields).map(([key, value]) => {
    if (value instanceof Quoted) return `"${key}":${value.variable}`;
    if (typeof value === 'string') return `"${key}":"${value}"`;
    return `"${key}":${render(value)}`;
  });
  return `{${members.join(',')}}`;
}

/** The access log format: one JSON object per request. */
export function accessLogFormat(): apigw.AccessLogFormat {
  return apigw.AccessLogFormat.custom(render(FIELDS));
}
