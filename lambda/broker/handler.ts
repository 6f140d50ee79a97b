// The broker: POST /v1/streams/{streamName}/sessions and GET /v1/streams. Thin glue: event -> core -> KVS -> JSON.
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { auditEvent } from '../core/audit';
import type { BrokerConfig } from '../core/config';
import { decide, forbidden } from '../core/decision';
import { buildCatalog, listingPrefixes, pageOf, parseListQuery } from '../core/discovery';
import { BrokerError, toBrokerError } from '../core/errors';
import { isServed } from '../core/grants';
import { parseSessionRequest, type SessionRequest } from '../core/request';
import type { KvsAdapter } from '../kvs/adapter';
import { callerFromEvent, errorResponse, jsonBody, jsonErrors, jsonResponse, type Caller } from './http';

export interface BrokerOptions {
  config: BrokerConfig;
  kvs: KvsAdapter;
  logger: Logger;
  metrics: Metrics;
  /** @default Date.now */
  now?: () => number;
}

export const SESSION_ROUTE = 'POST /v1/streams/{streamName}/sessions';
export const LIST_ROUTE = 'GET /v1/streams';

export function createBrokerHandler(options: BrokerOptions) {
  const { config, kvs, logger, metrics } = options;
  const now = options.now ?? Date.now;
  const cors = config.cors;

  function count(name: 'SessionsIssued' | 'SessionsDenied', dimension: [string, string]): void {
    const single = metrics.singleMetric();
    single.addDimension(...dimension);
    single.addMetric(name, MetricUnit.Count, 1);
  }

  async function openSession(event: APIGatewayProxyEvent, requestId: string): Promise<APIGatewayProxyResult> {
    const nowMs = now();
    const identity = event.requestContext?.identity;
    const streamName = event.pathParameters?.streamName;
    let caller: Caller | undefined;
    let request: SessionRequest | undefined;
    try {
      caller = callerFromEvent(event, nowMs, config.clockToleranceSeconds);
      request = parseSessionRequest(streamName, jsonBody(event));
      // Outside config `streams` the broker's role may not open the stream: refuse before KVS would (502).
      if (!isServed(config.streams, request.streamName)) throw forbidden('STREAM_NOT_SERVED', request);
      const decision = decide(caller.grants, request, nowMs, config.sessions);
      if (!decision.allowed) throw forbidden(decision.reason, request);
      const url = await kvs.getStreamingSessionUrl(request, decision.expiresInSeconds);
      const expiresAtMs = decision.expiresAtMs;
      logger.info('session decision', {
        ...auditEvent({
          nowMs,
          requestId,
          issuer: caller.issuer,
          sub: caller.sub,
          request,
          expiresAtMs,
          sourceIp: identity?.sourceIp,
          userAgent: identity?.userAgent ?? undefined,
        }),
      });
      count('SessionsIssued', ['StreamName', request.streamName]);
      return jsonResponse(event, cors, 200, {
        url,
        protocol: request.protocol,
        streamName: request.streamName,
        playbackMode: request.playbackMode,
        expiresAt: new Date(expiresAtMs).toISOString(),
        expiresInSeconds: decision.expiresInSeconds,
      });
    } catch (error) {
      const e = toBrokerError(error);
      logger.info('session decision', {
        ...auditEvent({
          nowMs,
          requestId,
          issuer: caller?.issuer,
          sub: caller?.sub,
          streamName: typeof streamName === 'string' ? streamName.slice(0, 256) : undefined,
          request,
          sourceIp: identity?.sourceIp,
          userAgent: identity?.userAgent ?? undefined,
          errorCode: e.code,
          reason: e.reason ?? e.detail,
        }),
      });
      count('SessionsDenied', ['ErrorCode', e.code]);
      if (e.code === 'INTERNAL_ERROR') logger.error('unhandled error', { detail: e.detail });
      return errorResponse(event, cors, e, requestId);
    }
  }

  async function listStreams(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const caller = callerFromEvent(event, now(), config.clockToleranceSeconds);
    const query = parseListQuery(event.queryStringParameters);
    const existing: string[] = [];
    for (const prefix of listingPrefixes(caller.grants)) {
      let nextToken: string | undefined;
      do {
        const page = await kvs.listStreams(prefix, nextToken);
        existing.push(...page.streamNames);
        nextToken = page.nextToken;
      } while (nextToken);
    }
    const catalog = buildCatalog(caller.grants, existing).filter((e) =>
      isServed(config.streams, e.streamName),
    );
    return jsonResponse(event, cors, 200, pageOf(catalog, query));
  }

  async function route(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    const key = `${event.httpMethod} ${event.resource}`;
    if (key === SESSION_ROUTE) return openSession(event, requestId);
    if (key === LIST_ROUTE) return listStreams(event);
    throw new BrokerError('NOT_FOUND', `No route ${event.httpMethod} ${event.path}`);
  }

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>(route)
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(jsonErrors({ logger, cors }));
}
