// The door to the media endpoints (/dash/v1/, /hls/v1/): checks the SessionToken the way KVS does, then hands over.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { KvsError } from './errors';
import type { Protocol } from './playback';
import { verifySessionToken, type SessionTokenFailure, type VerifiedSession } from './session-token';
import type { StreamRegistry } from './streams';

/** Serves manifests, playlists and fragments for a verified session; `path` is the URL path without the query. */
export type MediaHook = (
  req: IncomingMessage,
  res: ServerResponse,
  session: VerifiedSession,
  path: string,
) => Promise<void> | void;

export function mediaProtocolOf(pathname: string): Protocol | undefined {
  if (pathname.startsWith('/dash/v1/')) return 'DASH';
  if (pathname.startsWith('/hls/v1/')) return 'HLS';
  return undefined;
}

/** `/hls/v1/getMP4MediaFragment.mp4` -> `GetMP4MediaFragment`, the KVS action name the request stands for. */
export function mediaOperationName(pathname: string): string {
  const file = pathname.slice(pathname.lastIndexOf('/') + 1);
  const action = file.includes('.') ? file.slice(0, file.indexOf('.')) : file;
  return action === '' ? 'Media' : action.charAt(0).toUpperCase() + action.slice(1);
}

// KVS documents NotAuthorizedException on the media actions as "Status Code: 403 ... or the token has expired",
// and players report "Streaming session token is expired" with a 403.
const MEDIA_NOT_AUTHORIZED_STATUS = 403;

const FAILURE_MESSAGE: Record<SessionTokenFailure, string> = {
  malformed: 'The streaming session token is not valid.',
  'bad-signature': 'The streaming session token is not valid.',
  expired: 'Streaming session token is expired',
  'wrong-stream': 'The streaming session token is not valid for this stream.',
};

/** Returns the session a media request may use, or throws the KvsError KVS would answer with. */
export function admitMediaRequest(
  url: URL,
  protocol: Protocol,
  secret: Uint8Array,
  nowMs: number,
  registry: StreamRegistry,
): VerifiedSession {
  const token = url.searchParams.get('SessionToken');
  if (token === null || token === '') {
    throw new KvsError(
      'InvalidArgumentException',
      "1 validation error detected: Value null at 'sessionToken' failed to satisfy constraint: Member must not be null",
    );
  }
  const result = verifySessionToken(token, secret, nowMs);
  if (!result.ok) {
    throw new KvsError('NotAuthorizedException', FAILURE_MESSAGE[result.reason], MEDIA_NOT_AUTHORIZED_STATUS);
  }
  const { session } = result;
  if (session.protocol !== protocol) {
    throw new KvsError(
      'NotAuthorizedException',
      `The streaming session token was issued for ${session.protocol}, not ${protocol}.`,
      MEDIA_NOT_AUTHORIZED_STATUS,
    );
  }
  if (registry.get(session.streamName) === undefined) {
    throw new KvsError(
      'ResourceNotFoundException',
      `The requested stream ${session.streamName} is not found or not active.`,
    );
  }
  return session;
}

/** Players load media cross-origin (the page is served elsewhere), and KVS allows any origin on these URLs. */
export function setMediaCorsHeaders(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', '*');
  res.setHeader('Access-Control-Expose-Headers', 'x-amzn-ErrorType, x-amzn-RequestId');
}
