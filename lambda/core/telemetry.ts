// THE names of the broker's telemetry: read by the Lambdas that write it, the CDK that watches it (lib/telemetry.ts
// re-exports this module), local mode and the usage report. Rename one here and every reader follows.

/** Powertools service name: the `service` dimension Powertools Metrics adds to every EMF metric. */
export const SERVICE_NAME = 'kvs-session-broker';
/** CloudWatch namespace of the broker's EMF metrics (POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'KvsSessionBroker';

/** Emitted by the broker per session granted; dimension StreamName only with `metrics.perStreamDimensions`. */
export const SESSIONS_ISSUED = 'SessionsIssued';
/** Emitted by the broker per session refused, with dimension ErrorCode (one of a dozen codes). */
export const SESSIONS_DENIED = 'SessionsDenied';
/** Emitted by the broker per discovery request (GET /v1/streams) answered, whatever the outcome. */
export const DISCOVERY_REQUESTS = 'DiscoveryRequests';
/** Emitted by the broker per archive request (timeline, images, clip), with dimensions Operation and ErrorCode. */
export const ARCHIVE_REQUESTS = 'ArchiveRequests';
/** Emitted by the broker per images answer: the images it returned (KVS bills GetImages per image). */
export const IMAGES_RETURNED = 'ImagesReturned';
export const OPERATION_DIMENSION = 'Operation';
/** Powertools' cold start metric (captureColdStartMetric), with dimensions service and function_name. */
export const COLD_START = 'ColdStart';
export const SERVICE_DIMENSION = 'service';
export const STREAM_NAME_DIMENSION = 'StreamName';
export const ERROR_CODE_DIMENSION = 'ErrorCode';

/** The `audit` field of the broker's session decision lines (lambda/core/audit.ts, README (Observability and audit)). */
export const SESSION_AUDIT = 'kvs-session';
/** The `audit` field of the broker's discovery lines (GET /v1/streams, SECURITY.md). */
export const DISCOVERY_AUDIT = 'kvs-discovery';
/** The `audit` field of the broker's revocation lines (POST /v1/revocations, docs/api.md). */
export const REVOCATION_AUDIT = 'kvs-revocation';
/** The `audit` field of the broker's archive lines (timeline, images, clip: docs/api.md, "Archive"). */
export const ARCHIVE_AUDIT = 'kvs-archive';
/** The `audit` field of the stage's access log lines (lib/access-log.ts). */
export const GATEWAY_AUDIT = 'kvs-gateway';

/** KVS's playback byte metrics (README (Observability and audit)); manifests and playlists have no byte metric. */
export const KVS_PLAYBACK_BYTE_METRICS = [
  'GetMP4MediaFragment.OutgoingBytes',
  'GetTSFragment.OutgoingBytes',
  'GetClip.OutgoingBytes',
] as const;
export type KvsPlaybackByteMetric = (typeof KVS_PLAYBACK_BYTE_METRICS)[number];
export const KVS_NAMESPACE = 'AWS/KinesisVideo';
