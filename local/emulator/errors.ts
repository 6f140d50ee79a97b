// KVS error vocabulary: one table of wire statuses, and the one way errors are written so the real SDK raises the same class.
import type { ServerResponse } from 'node:http';

/**
 * Statuses are the `httpError` traits of the SDK's own service models (KVS and KVS archived media),
 * so an SDK client sees exactly what real KVS would send. The SDK picks the exception class from the
 * `x-amzn-ErrorType` header; the status decides retry behaviour (5xx is retried, 4xx is not).
 */
export const KVS_ERROR_STATUS = {
  InvalidArgumentException: 400,
  ClientLimitExceededException: 400,
  NoDataRetentionException: 400,
  UnsupportedStreamMediaTypeException: 400,
  MissingCodecPrivateDataException: 400,
  InvalidCodecPrivateDataException: 400,
  SerializationException: 400,
  // The SDK models say 401 for the API operations; media endpoints answer 403 (see media-gate.ts).
  NotAuthorizedException: 401,
  MissingAuthenticationTokenException: 403,
  InvalidSignatureException: 403,
  ResourceNotFoundException: 404,
  UnknownOperationException: 404,
  InternalFailure: 500,
  NotImplemented: 501,
} as const;

export type KvsErrorType = keyof typeof KVS_ERROR_STATUS;

/** A failure that is answered on the wire as a KVS error. Anything else thrown by a handler is a bug (500). */
export class KvsError extends Error {
  override readonly name = 'KvsError';
  readonly status: number;

  constructor(
    readonly type: KvsErrorType,
    message: string,
    status?: number,
  ) {
    super(message);
    this.status = status ?? KVS_ERROR_STATUS[type];
  }
}

// Real KVS suffixes the type with its Coral namespace; the SDK strips everything after ':'.
const TYPE_SUFFIX = ':http://internal.amazon.com/coral/com.amazonaws.kinesisvideo/';

export function writeKvsError(res: ServerResponse, error: KvsError, requestId: string): void {
  const body = JSON.stringify({ message: error.message });
  res.writeHead(error.status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-ErrorType': `${error.type}${TYPE_SUFFIX}`,
    'x-amzn-RequestId': requestId,
  });
  res.end(body);
}
