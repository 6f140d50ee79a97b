// The broker role's KVS permissions, derived from config.streams (docs/configuration.md): nothing beyond them.
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/** The playback actions the session route needs, all scoped to stream ARNs. */
export const PLAYBACK_ACTIONS = [
  'kinesisvideo:GetDataEndpoint',
  'kinesisvideo:GetDASHStreamingSessionURL',
  'kinesisvideo:GetHLSStreamingSessionURL',
] as const;

/**
 * The archive routes' actions (timeline: ListFragments; images: GetImages; clip: GetClip), on the same stream ARNs.
 * GetDataEndpoint, above, serves their data endpoints too.
 */
export const ARCHIVE_ACTIONS = [
  'kinesisvideo:ListFragments',
  'kinesisvideo:GetImages',
  'kinesisvideo:GetClip',
] as const;

/**
 * The discovery route (GET /v1/streams) resolves prefix grants with ListStreams, which supports no
 * resource-level permissions (Service Authorization Reference, Amazon Kinesis Video Streams): `*` only.
 */
export const DISCOVERY_ACTIONS = ['kinesisvideo:ListStreams'] as const;

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

/** The broker's KVS statements: playback on the configured streams, ListStreams for discovery. */
export function brokerKvsStatements(scope: IConstruct, patterns: readonly string[]): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'PlaybackSessionsOnConfiguredStreams',
      // one statement for both, so the stream ARNs are listed once (ROLE_POLICY_MAX_CHARS)
      actions: [...PLAYBACK_ACTIONS, ...ARCHIVE_ACTIONS],
      resources: streamArns(scope, patterns),
    }),
    new iam.PolicyStatement({
      sid: 'DiscoverStreams',
      actions: [...DISCOVERY_ACTIONS],
      resources: ['*'],
    }),
  ];
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

/** The broker role's inline policy size as IAM will count it, at most: refused at synth above the limit. */
export function brokerPolicyChars(patterns: readonly string[]): number {
  return coveringPatterns(patterns).reduce(
    (sum, pattern) => sum + streamResourceName(pattern).length + STREAM_ARN_OVERHEAD_CHARS,
    OTHER_POLICY_CHARS,
  );
}
