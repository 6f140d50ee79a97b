// The route table and what is derived from it: resources for CDK and the local gateway, policy resources.
import { describe, expect, it } from '@jest/globals';
import {
  PREFLIGHT_MAX_AGE_SECONDS,
  ROUTE_LAMBDAS,
  ROUTES,
  routesOf,
  apiResources,
  pathSegments,
  policyResources,
  routeKey,
  routeOf,
} from '../../../lambda/contract/routes';

const STAGE = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod';

describe('route table', () => {
  it('names the function of each route: archive reads, the streamed clip and WebRTC apart from the broker', () => {
    expect(Object.fromEntries(ROUTES.map((r) => [r.operationId, r.lambda]))).toEqual({
      createSession: 'broker',
      listStreams: 'broker',
      createSessions: 'broker',
      createWebrtcViewer: 'webrtc',
      createRevocation: 'broker',
      getTimeline: 'archive',
      getImages: 'archive',
      getClip: 'clip',
      getOpenApiDocument: 'broker',
    });
    // Only the clip's function streams its answer (a clip may pass Lambda's 6 MB buffered response payload).
    expect(Object.entries(ROUTE_LAMBDAS).filter(([, mode]) => mode === 'stream')).toEqual([
      ['clip', 'stream'],
    ]);
    expect(routesOf('archive').map((r) => r.operationId)).toEqual(['getTimeline', 'getImages']);
    expect(Object.keys(ROUTE_LAMBDAS).flatMap((l) => routesOf(l as keyof typeof ROUTE_LAMBDAS))).toHaveLength(
      ROUTES.length,
    );
  });

  it('has one resource per path, with its methods and its CDK addResource segments', () => {
    expect(apiResources()).toEqual([
      {
        path: '/v1/streams/{streamName}/sessions',
        segments: ['v1', 'streams', '{streamName}', 'sessions'],
        methods: ['POST'],
      },
      { path: '/v1/streams', segments: ['v1', 'streams'], methods: ['GET'] },
      { path: '/v1/sessions', segments: ['v1', 'sessions'], methods: ['POST'] },
      {
        path: '/v1/streams/{streamName}/webrtc',
        segments: ['v1', 'streams', '{streamName}', 'webrtc'],
        methods: ['POST'],
      },
      { path: '/v1/revocations', segments: ['v1', 'revocations'], methods: ['POST'] },
      ...['timeline', 'images', 'clip'].map((leaf) => ({
        path: `/v1/streams/{streamName}/${leaf}`,
        segments: ['v1', 'streams', '{streamName}', leaf],
        methods: ['GET'],
      })),
      { path: '/openapi.json', segments: ['openapi.json'], methods: ['GET'] },
    ]);
    expect(pathSegments('/')).toEqual([]);
  });

  it('finds the route of a proxy event by method and resource, and nothing else', () => {
    expect(routeOf('POST', '/v1/streams/{streamName}/sessions')?.operationId).toBe('createSession');
    expect(routeOf('GET', '/openapi.json')?.authorizer).toBe('none');
    expect(routeOf('GET', '/v1/streams/{streamName}/sessions')).toBeUndefined();
    expect(routeOf('POST', '/v1/streams')).toBeUndefined();
  });

  it.each(ROUTES.map((r) => [r.operationId, r] as const))(
    'finds %s by its own method and path',
    (_, route) => {
      expect(routeOf(route.method, route.path)).toBe(route);
    },
  );

  it('keys a route as API Gateway does: `METHOD /path`', () => {
    expect(routeKey('POST', '/v1/sessions')).toBe('POST /v1/sessions');
  });

  it('caches preflights for one hour, inside what every browser honours (Chromium caps at 2 h)', () => {
    expect(PREFLIGHT_MAX_AGE_SECONDS).toBe(3600);
  });
});

describe('policyResources', () => {
  it('lists discovery, revocation, the grid, then per stream pattern the session route and its GET routes; never the open route', () => {
    expect(policyResources(STAGE, ['cam-1', 'site7-*', 'cam-1'])).toEqual([
      `${STAGE}/GET/v1/streams`,
      `${STAGE}/POST/v1/revocations`,
      `${STAGE}/POST/v1/sessions`,
      `${STAGE}/POST/v1/streams/cam-1/sessions`,
      `${STAGE}/GET/v1/streams/cam-1/*`,
      `${STAGE}/POST/v1/streams/site7-*/sessions`,
      `${STAGE}/GET/v1/streams/site7-*/*`,
    ]);
  });

  it('lists the WebRTC route only for the patterns of grants with mode WEBRTC, beside the GET routes of every grant', () => {
    expect(
      policyResources(STAGE, [
        { stream: 'cam-1', modes: ['LIVE'] },
        { stream: 'door-*', modes: ['WEBRTC'] },
      ]),
    ).toEqual([
      `${STAGE}/GET/v1/streams`,
      `${STAGE}/POST/v1/revocations`,
      `${STAGE}/POST/v1/sessions`,
      `${STAGE}/POST/v1/streams/cam-1/sessions`,
      `${STAGE}/GET/v1/streams/cam-1/*`,
      `${STAGE}/POST/v1/streams/door-*/sessions`,
      `${STAGE}/POST/v1/streams/door-*/webrtc`,
      `${STAGE}/GET/v1/streams/door-*/*`,
    ]);
  });

  it('lists discovery and revocation alone for a token without grants (the grid needs a grant; revocation answers 403 to non-admins)', () => {
    expect(policyResources(STAGE, [])).toEqual([`${STAGE}/GET/v1/streams`, `${STAGE}/POST/v1/revocations`]);
  });
});
