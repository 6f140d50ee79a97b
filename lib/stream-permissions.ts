// The broker role's KVS permissions, derived from config.streams (docs/configuration.md): nothing beyond them.
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { ROUTES, type OperationId, type RouteLambda } from '../lambda/contract/routes';

/** The playback actions the session route needs, all scoped to stream ARNs. */
export const PLAYBACK_ACTIONS = [
  'kinesisvideo:GetDataEndpoint',
  'kinesisvideo:GetDASHStreamingSessionURL',
  'kinesisvideo:GetHLSStreamingSessionURL',
] as const;

/**
 * The archive routes' actions (timeline: ListFragments; images: GetImages; clip: GetClip), on the same stream ARNs,
 * held by the functions serving them (with GetDataEndpoint, which serves their data endpoints).
 */
export const ARCHIVE_ACTIONS = {
  getTimeline: 'kinesisvideo:ListFragments',
  getImages: 'kinesisvideo:GetImages',
  getClip: 'kinesisvideo:GetClip',
} as const satisfies Partial<Record<OperationId, string>>;

/** Each route's actions on the configured streams (GetDataEndpoint serves every data-plane call). */
const ROUTE_STREAM_ACTIONS: Partial<Record<OperationId, readonly string[]>> = {
  createSession: PLAYBACK_ACTIONS,
  createSessions: PLAYBACK_ACTIONS,
  ...Object.fromEntries(
    Object.entries(ARCHIVE_ACTIONS).map(([route, action]) => [route, [PLAYBACK_ACTIONS[0], action]]),
  ),
};

/**
 * The discovery route (GET /v1/streams) resolves prefix grants with ListStreams, which supports no
 * resource-level permissions (Service Authorization Reference, Amazon Kinesis Video Streams): `*` only.
 */
export const DISCOVERY_ACTIONS = ['kinesisvideo:ListStreams'] as const;

/**
 * What POST /v1/streams/{streamName}/webrtc needs, on channel ARNs only (Service Authorization Reference, Amazon
 * Kinesis Video Streams: each takes a `channel` resource): the channel and its viewer endpoints, TURN servers, and
 * the ConnectAsViewer the signed URL stands for (the URL carries the role's signature, so the role needs it).
 */
export const WEBRTC_ACTIONS = [
  'kinesisvideo:DescribeSignalingChannel',
  'kinesisvideo:GetSignalingChannelEndpoint',
  'kinesisvideo:GetIceServerConfig',
  'kinesisvideo:ConnectAsViewer',
] as const;

/**
 * The channel ARN resource names config `webrtc.channelName` maps the stream patterns to: `{stream}` replaced by
 * the pattern (a prefix keeps its `*`), then `/*` for the creation time that ends every channel ARN.
 */
export function channelResourceNames(template: string, patterns: readonly string[]): string[] {
  return coveringPatterns(patterns).map((pattern) => `${template.split('{stream}').join(pattern)}/*`);
}

/**
 * Drops patterns another pattern already covers: everything under `*`, `site7-cam*` under `site7-*`,
 * `site7-cam1` under `site7-*`, and duplicates. Order is stable (sorted) so templates do not churn.
 */
export function coveringPatterns(patterns: readonly string[]): string[] {
  const unique = [...new Set(patterns)].sort();
  if (unique.includes('*')) return ['*'];
  const prefixes = unique.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
  return unique.filter((pattern) => {
    const own = pattern.endsWith('*') ? pattern.slice(0, -1) : undefined;
    return !prefixes.some((prefix) => prefix !== own && pattern.startsWith(prefix));
  });
}

/**
 * The stream ARN resource for one pattern. KVS stream ARNs end in `/<creation time>`, so an exact name
 * becomes `stream/NAME/*` (that stream only, whatever its creation time), a prefix `stream/PREFIX*`.
 */
export function streamResourceName(pattern: string): string {
  if (pattern === '*') return '*';
  return pattern.endsWith('*') ? pattern : `${pattern}/*`;
}

/** The channel ARNs config `webrtc.channelName` maps the stream patterns to, in the stack's partition, region and account. */
export function channelArns(scope: IConstruct, template: string, patterns: readonly string[]): string[] {
  const stack = Stack.of(scope);
  return channelResourceNames(template, patterns).map((resourceName) =>
    stack.formatArn({
      service: 'kinesisvideo',
      resource: 'channel',
      resourceName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    }),
  );
}

/** Stream ARNs for the given patterns, in the stack's partition, region and account. */
export function streamArns(scope: IConstruct, patterns: readonly string[]): string[] {
  const stack = Stack.of(scope);
  return coveringPatterns(patterns).map((pattern) =>
    stack.formatArn({
      service: 'kinesisvideo',
      resource: 'stream',
      resourceName: streamResourceName(pattern),
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    }),
  );
}

/** A function's actions on the configured streams: those of the routes the route table gives it. */
function streamActions(lambda: RouteLambda): string[] {
  const actions = ROUTES.filter((r) => r.lambda === lambda).flatMap(
    (r) => ROUTE_STREAM_ACTIONS[r.operationId] ?? [],
  );
  return [...new Set(actions)];
}

/**
 * One function's KVS statements, least privilege by the routes it serves (lambda/contract/routes.ts `lambda`):
 * the broker playback on the configured streams and ListStreams for discovery; the archive function ListFragments
 * and GetImages, the clip function GetClip, on the same streams; the WebRTC function, with config `webrtc` (its
 * channelName template), the viewer actions on the channels those streams map to, and nothing without it.
 */
export function kvsStatements(
  scope: IConstruct,
  lambda: RouteLambda,
  patterns: readonly string[],
  webrtcChannelName?: string,
): iam.PolicyStatement[] {
  const statements: iam.PolicyStatement[] = [];
  if (lambda === 'webrtc' && webrtcChannelName !== undefined) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'WebrtcViewersOnMappedChannels',
        actions: [...WEBRTC_ACTIONS],
        resources: channelArns(scope, webrtcChannelName, patterns),
      }),
    );
  }
  const actions = streamActions(lambda);
  if (actions.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: lambda === 'broker' ? 'PlaybackSessionsOnConfiguredStreams' : 'ArchiveOnConfiguredStreams',
        actions,
        resources: streamArns(scope, patterns),
      }),
    );
  }
  if (lambda === 'broker') {
    statements.push(
      new iam.PolicyStatement({ sid: 'DiscoverStreams', actions: [...DISCOVERY_ACTIONS], resources: ['*'] }),
    );
  }
  return statements;
}

/** IAM allows at most 10,240 characters, whitespace excluded, of inline policy per role (IAM quotas). */
export const ROLE_POLICY_MAX_CHARS = 10_240;
/** One stream ARN beyond its resource name, at the longest partition and region, with quotes and comma. */
const STREAM_ARN_OVERHEAD_CHARS = '"arn:aws-us-gov:kinesisvideo:ap-southeast-5:123456789012:stream/",'.length;
/**
 * The rest of the broker role's inline policy (log writes, ListStreams, X-Ray, statement syntax), rounded
 * up from what test/lib/deploy-rules.test.ts measures on a template, so that the estimate is never short.
 */
const OTHER_POLICY_CHARS = 1_500;

/**
 * The largest inline policy of the broker functions' roles as IAM will count it, at most (every stream ARN and every
 * channel ARN in one role, more than any one function holds): refused at synth above the limit.
 */
export function brokerPolicyChars(patterns: readonly string[], webrtcChannelName?: string): number {
  const streams = coveringPatterns(patterns).reduce(
    (sum, pattern) => sum + streamResourceName(pattern).length + STREAM_ARN_OVERHEAD_CHARS,
    OTHER_POLICY_CHARS,
  );
  if (webrtcChannelName === undefined) return streams;
  // The WebRTC statement: its actions and syntax (about 250 characters), and one channel ARN per pattern.
  return channelResourceNames(webrtcChannelName, patterns).reduce(
    (sum, name) => sum + name.length + STREAM_ARN_OVERHEAD_CHARS,
    streams + 250,
  );
}
