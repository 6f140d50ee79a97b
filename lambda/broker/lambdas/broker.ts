// The routes of the broker function (`lambda: 'broker'` in lambda/contract/routes.ts): sessions, camera grids,
// discovery, revocations and the OpenAPI document. Its entry is lambda/broker/index.ts.
import { openApiJson } from '../../contract/openapi-document';
import { servedOpenApiJson } from '../../contract/openapi-servers';
import { createSessions } from '../batch-sessions';
import type { OpenRoute } from '../pipeline';
import type { BrokerOptions } from '../router';
import { createSession } from '../sessions';
import { createStreamsRoute } from '../streams';
import type { ViewerControl } from '../viewer-control';

/**
 * GET /openapi.json: the committed document, read once per instance, cacheable (it holds no secret); with the
 * answering server's own URL first among its servers when the broker knows it (local mode).
 */
function openApiRoute(servedAt?: string): OpenRoute<void> {
  let document: string | undefined;
  return {
    auth: 'none',
    parse: () => undefined,
    handle: async () => {
      document ??= servedAt === undefined ? openApiJson() : servedOpenApiJson(openApiJson(), servedAt);
      return { body: { text: document }, headers: { 'Cache-Control': 'max-age=300' } };
    },
  };
}

export function brokerLambdaRoutes(options: BrokerOptions, viewers: ViewerControl) {
  return {
    createSession,
    createSessions,
    listStreams: createStreamsRoute(options.discoveryLimits, options.now),
    createRevocation: viewers.revocationRoute,
    getOpenApiDocument: openApiRoute(options.servedAt),
  };
}
