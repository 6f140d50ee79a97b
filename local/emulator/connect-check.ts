// What KVS checks on a ConnectAsViewer request before it upgrades the WebSocket (KVS WebRTC developer guide,
// "ConnectAsViewer"): a SigV4 query signature by known credentials, its credential scope (region, service
// kinesisvideo, the signing day), X-Amz-Date + X-Amz-Expires against the clock, the channel ARN and the client id.
import { timingSafeEqual } from 'node:crypto';
import { SIGNALING_SERVICE, signViewerUrl } from '../../lambda/kvs/signaling-url';
import type { Channel, ChannelRegistry } from './channels';

export interface EmulatorCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A refused connection: the HTTP status of the upgrade answer, KVS's exception name and a message. */
export class ConnectRefused extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ViewerConnection {
  channel: Channel;
  clientId: string;
}

const SIGNED_PARAMS = new Set([
  'X-Amz-Algorithm',
  'X-Amz-ChannelARN',
  'X-Amz-ClientId',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-Signature',
  'X-Amz-SignedHeaders',
]);
/** X-Amz-ClientId: 1..256 of [a-zA-Z0-9_.-], not starting with AWS_ in any case (pattern `^(?!(?i)AWS_.*)`). */
const CLIENT_ID = /^(?![aA][wW][sS]_)[a-zA-Z0-9_.-]{1,256}$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
/** SigV4 allows a presigned URL to be used up to 5 minutes before its X-Amz-Date (clock skew). */
const SKEW_MS = 5 * 60 * 1000;

const denied = (message: string) => new ConnectRefused(403, 'AccessDeniedException', message);
const invalid = (message: string) => new ConnectRefused(400, 'InvalidArgumentException', message);

function amzDateMs(value: string): number | undefined {
  const m = AMZ_DATE.exec(value);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : undefined;
}

function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface ConnectCheckDeps {
  channels: ChannelRegistry;
  credentials: EmulatorCredentials;
  region: string;
  now: () => number;
}

function required(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null || value === '') throw denied(`Missing ${name}`);
  return value;
}

/** Checks one upgrade request (its path with query, and its Host header); throws ConnectRefused otherwise. */
export async function checkViewerConnect(
  deps: ConnectCheckDeps,
  target: URL,
  host: string,
): Promise<ViewerConnection> {
  const query = target.searchParams;
  for (const key of query.keys()) {
    if (!SIGNED_PARAMS.has(key)) throw denied(`Unsigned or unknown query parameter ${key}`);
  }
  if (required(query, 'X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') throw denied('Unsupported X-Amz-Algorithm');
  if (required(query, 'X-Amz-SignedHeaders') !== 'host') throw denied('X-Amz-SignedHeaders must be host');
  const [keyId, day, region, service, terminator, ...rest] = required(query, 'X-Amz-Credential').split('/');
  if (rest.length > 0 || terminator !== 'aws4_request') throw denied('Malformed X-Amz-Credential');
  if (keyId !== deps.credentials.accessKeyId)
    throw denied('The security token included in the request is invalid');
  if (region !== deps.region) throw denied(`Credential should be scoped to a valid region, not '${region}'`);
  if (service !== SIGNALING_SERVICE)
    throw denied(`Credential should be scoped to correct service: '${SIGNALING_SERVICE}'`);
  const amzDate = required(query, 'X-Amz-Date');
  const signedAt = amzDateMs(amzDate);
  if (signedAt === undefined || amzDate.slice(0, 8) !== day)
    throw denied('X-Amz-Date does not match the credential scope');
  const expires = Number(required(query, 'X-Amz-Expires'));
  if (!Number.isInteger(expires) || expires < 1 || expires > 604800)
    throw denied('X-Amz-Expires must be 1..604800');
  const nowMs = deps.now();
  if (nowMs > signedAt + expires * 1000) throw denied('Request has expired');
  if (nowMs < signedAt - SKEW_MS) throw denied('Signature not yet current');

  const channelArn = required(query, 'X-Amz-ChannelARN');
  const clientId = required(query, 'X-Amz-ClientId');
  const expected = new URL(
    await signViewerUrl({
      endpoint: `ws://${host}${target.pathname}`,
      channelArn,
      clientId,
      region,
      credentials: deps.credentials,
      expiresInSeconds: expires,
      signingDate: new Date(signedAt),
    }),
  ).searchParams.get('X-Amz-Signature')!;
  if (!sameSignature(expected, required(query, 'X-Amz-Signature'))) {
    throw denied('The request signature we calculated does not match the signature you provided');
  }
  if (!CLIENT_ID.test(clientId))
    throw invalid('X-Amz-ClientId must be 1..256 of [a-zA-Z0-9_.-], not starting AWS_');
  const channel = deps.channels.byArn(channelArn);
  if (channel === undefined)
    throw new ConnectRefused(404, 'ResourceNotFoundException', 'The channel does not exist');
  return { channel, clientId };
}
