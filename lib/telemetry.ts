// Names shared by the Lambdas' telemetry and the CDK that configures and watches it.

/** Powertools service name: the `service` dimension Powertools Metrics adds to every EMF metric. */
export const SERVICE_NAME = 'kvs-session-broker';
/** CloudWatch namespace of the broker's EMF metrics (POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'KvsSessionBroker';

/** Emitted by the broker per session granted, with dimension StreamName. */
export const SESSIONS_ISSUED = 'SessionsIssued';
/** Emitted by the broker per session refused, with dimension ErrorCode. */
export const SESSIONS_DENIED = 'SessionsDenied';
export const STREAM_NAME_DIMENSION = 'StreamName';
export const ERROR_CODE_DIMENSION = 'ErrorCode';

/** The `audit` field of the Lambdas' decision lines (lambda/core/audit.ts, DESIGN section 6). */
export const SESSION_AUDIT = 'kvs-session';
