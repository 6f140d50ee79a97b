// API Gateway's own error responses (authorizer refusals, throttling, unknown routes) in the contract's JSON error shape,
// configured from the one table in lambda/contract/gateway-responses.ts (the local gateway answers from it too).
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { staticCorsHeaders } from '../lambda/core/cors';
import { ERROR_STATUS, type ErrorCode } from '../lambda/core/errors';
import { GATEWAY_ERROR_RESPONSES, gatewayErrorHeaders } from '../lambda/contract/gateway-responses';

/** The documented error body (docs/api.md) as an API Gateway template: static code and message, the request id from context. */
export function errorTemplate(code: ErrorCode, message: string): string {
  return JSON.stringify({ error: { code, message }, requestId: '$context.requestId' });
}

/**
 * CORS headers for gateway responses, which cannot run the Lambda's per-request origin check: a gateway response
 * header is a static value or a copy of a request header, never a choice between origins. The rule is
 * `staticCorsHeaders` (lambda/core/cors.ts): one origin (or `*`) with `Retry-After` exposed; with several origins
 * none (SECURITY.md: no response ever reflects an origin outside `cors.allowOrigins`), so a browser app on one
 * of several origins sees API Gateway's own refusals (401 without a token, 403 from a cached policy, stage
 * throttling) as network errors. The broker Lambda's answers, errors included, check the origin and carry them.
 */
export function gatewayCorsHeaders(allowOrigins: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(staticCorsHeaders(allowOrigins)).map(([k, v]) => [k, `'${v}'`]));
}

/** Adds every gateway response of the table to the API. */
export function addGatewayErrorResponses(api: apigw.RestApi, allowOrigins: readonly string[]): void {
  const cors = gatewayCorsHeaders(allowOrigins);
  for (const response of GATEWAY_ERROR_RESPONSES) {
    const statics = Object.entries(gatewayErrorHeaders(response)).map(([k, v]) => [k, `'${v}'`]);
    api.addGatewayResponse(`GatewayResponse${toPascal(response.type)}`, {
      type: apigw.ResponseType.of(response.type),
      statusCode: response.keepStatus ? undefined : String(ERROR_STATUS[response.code]),
      templates: { 'application/json': errorTemplate(response.code, response.message) },
      responseHeaders: {
        'Content-Type': "'application/json'",
        'Cache-Control': "'no-store'",
        ...Object.fromEntries(statics),
        ...cors,
      },
    });
  }
}

function toPascal(snake: string): string {
  return snake
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
