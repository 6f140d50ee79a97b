// The one route table of the REST API (docs/api.md). The broker's router, the local gateway, the
// authorizer's policy resources, the OpenAPI paths and the CDK construct's resources are all derived from it.
import {
  compilePolicyPaths,
  policyResources as corePolicyResources,
  STREAM_NAME_PARAMETER,
  type PolicyPattern,
} from '../core/policy';

export type HttpMethod = 'GET' | 'POST';

export type OperationId =
  | 'createSession'
  | 'createSessions'
  | 'listStreams'
  | 'getTimeline'
  | 'getImages'
  | 'getClip'
  | 'createRevocation'
  | 'createWebrtcViewer'
  | 'getOpenApiDocument';

/**
 * What the authorizer's IAM policy lists for a route:
 * - `each-grant`: one resource per granted stream pattern, put in place of the `{streamName}` segment
 *   (API Gateway evaluates `*` in an execute-api resource as a wildcard, so `site7-*` covers `site7-door`);
 * - `any-caller`: the route itself, for every valid token;
 * - `any-grant`: the route itself, for every token with at least one grant (the broker decides per stream named in
 *   the request, as POST /v1/sessions does for each entry).
 */
export type PolicyScope = 'each-grant' | 'any-caller' | 'any-grant';

/**
 * The Lambda functions that serve the routes, each its own bundle (lib/lambda-bundles.ts), and how each answers:
 * `stream` is a Lambda that streams its answer behind API Gateway REST response streaming (the clip, larger than
 * Lambda's 6 MB buffered response payload); `buffered` is API Gateway's default proxy integration.
 */
export const ROUTE_LAMBDAS = {
  broker: 'buffered',
  archive: 'buffered',
  clip: 'stream',
  webrtc: 'buffered',
} as const;
export type RouteLambda = keyof typeof ROUTE_LAMBDAS;
/**
 * The functions whose routes take seats (sessions, grids, WebRTC viewers): with seats but no revocation configured,
 * only they reach the viewer-state table.
 */
export const SEAT_LAMBDAS: readonly RouteLambda[] = ['broker', 'webrtc'];

export interface ApiRoute {
  readonly operationId: OperationId;
  readonly method: HttpMethod;
  /** The API Gateway resource path, e.g. `/v1/streams/{streamName}/sessions`. */
  readonly path: string;
  /** `jwt`: behind the Lambda REQUEST authorizer; `none`: open to anyone (still throttled). */
  readonly authorizer: 'jwt' | 'none';
  /** Only for `jwt` routes. */
  readonly policy?: PolicyScope;
  /** `each-grant` routes: listed only for grants with one of these modes. @default every grant */
  readonly grantModes?: readonly string[];
  /** The function that serves it (deployed: its own integration; locally every function runs in process). */
  readonly lambda: RouteLambda;
  readonly summary: string;
}

export const ROUTES: readonly ApiRoute[] = [
  {
    operationId: 'createSession',
    lambda: 'broker',
    method: 'POST',
    path: '/v1/streams/{streamName}/sessions',
    authorizer: 'jwt',
    policy: 'each-grant',
    summary: 'A short-lived playback URL for one stream',
  },
  {
    operationId: 'listStreams',
    lambda: 'broker',
    method: 'GET',
    path: '/v1/streams',
    authorizer: 'jwt',
    policy: 'any-caller',
    summary: 'The streams this token may open, and how',
  },
  {
    operationId: 'createSessions',
    lambda: 'broker',
    method: 'POST',
    path: '/v1/sessions',
    authorizer: 'jwt',
    // Streams are named in the body: the policy lets in any token with a grant, and the broker decides each entry.
    policy: 'any-grant',
    summary: 'Up to 16 playback URLs in one request (a camera grid)',
  },
  {
    operationId: 'createWebrtcViewer',
    lambda: 'webrtc',
    method: 'POST',
    path: '/v1/streams/{streamName}/webrtc',
    authorizer: 'jwt',
    policy: 'each-grant',
    grantModes: ['WEBRTC'],
    summary: "A viewer's signed connection to the stream's WebRTC signaling channel",
  },
  {
    operationId: 'createRevocation',
    lambda: 'broker',
    method: 'POST',
    path: '/v1/revocations',
    authorizer: 'jwt',
    // Any valid token reaches the broker, which answers 403 unless the token holds its issuer's adminScope.
    policy: 'any-caller',
    summary: "Revoke a subject's tokens or one token of the caller's issuer",
  },
  {
    operationId: 'getTimeline',
    lambda: 'archive',
    method: 'GET',
    path: '/v1/streams/{streamName}/timeline',
    authorizer: 'jwt',
    policy: 'each-grant',
    summary: 'Where the archive has media in a range (its gaps)',
  },
  {
    operationId: 'getImages',
    lambda: 'archive',
    method: 'GET',
    path: '/v1/streams/{streamName}/images',
    authorizer: 'jwt',
    policy: 'each-grant',
    summary: 'Thumbnails of a range, base64 in JSON',
  },
  {
    operationId: 'getClip',
    lambda: 'clip',
    method: 'GET',
    path: '/v1/streams/{streamName}/clip',
    authorizer: 'jwt',
    policy: 'each-grant',
    summary: 'An MP4 file of a range, streamed',
  },
  {
    operationId: 'getOpenApiDocument',
    lambda: 'broker',
    method: 'GET',
    path: '/openapi.json',
    authorizer: 'none',
    summary: 'This document',
  },
];

/** The routes one function serves. */
export function routesOf(lambda: RouteLambda, routes: readonly ApiRoute[] = ROUTES): ApiRoute[] {
  return routes.filter((r) => r.lambda === lambda);
}

/** The path parameter that `each-grant` policies replace with a grant's stream pattern (core/policy.ts). */
export { STREAM_NAME_PARAMETER };

/**
 * Seconds a browser may cache a CORS preflight answer, locally and deployed. Browsers clamp it
 * (Chromium at 7200 s, Firefox at 86400 s), so one hour is honoured everywhere.
 */
export const PREFLIGHT_MAX_AGE_SECONDS = 3600;
/** Request headers a browser may send cross-origin. */
export const PREFLIGHT_ALLOW_HEADERS: readonly string[] = ['Authorization', 'Content-Type'];

/** `/v1/streams/{streamName}/sessions` -> `['v1', 'streams', '{streamName}', 'sessions']` (CDK `addResource` order). */
export function pathSegments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

export interface ApiResource {
  readonly path: string;
  readonly segments: readonly string[];
  /** The methods of this resource, which are also what its CORS preflight allows (besides OPTIONS). */
  readonly methods: readonly HttpMethod[];
}

/** Each resource path once, with its methods: what the CDK construct and the local preflight answer need. */
export function apiResources(routes: readonly ApiRoute[] = ROUTES): ApiResource[] {
  const byPath = new Map<string, HttpMethod[]>();
  for (const route of routes) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route.method]);
  return [...byPath].map(([path, methods]) => ({ path, segments: pathSegments(path), methods }));
}

/** `METHOD /path`, the key API Gateway puts in a proxy event as `httpMethod` and `resource`. */
export function routeKey(method: string, path: string): string {
  return `${method} ${path}`;
}

/** The route a proxy event was sent for, if any. */
export function routeOf(method: string, resource: string): ApiRoute | undefined {
  return ROUTES.find((r) => r.method === method && r.path === resource);
}

/** The route table's policy paths, compiled once (core/policy.ts): what the authorizer passes to allowPolicy. */
// Pure: a bundle that never reads the policy paths (the broker functions) leaves the compilation out.
export const POLICY_PATHS = /* @__PURE__ */ compilePolicyPaths(ROUTES);

/** The execute-api resources a token with these stream patterns may invoke on this route table. */
export function policyResources(stageArn: string, streamPatterns: readonly PolicyPattern[]): string[] {
  return corePolicyResources(stageArn, streamPatterns, POLICY_PATHS);
}
