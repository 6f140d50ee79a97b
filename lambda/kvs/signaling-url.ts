// The viewer's ConnectAsViewer URL: the signaling channel's WSS endpoint with X-Amz-ChannelARN and X-Amz-ClientId,
// signed with SigV4 query parameters by the SDK's own signer (@smithy/signature-v4). KVS checks the signature, the
// credential scope (region, service `kinesisvideo`), X-Amz-Date + X-Amz-Expires, the channel and the client id
// (KVS WebRTC developer guide, "ConnectAsViewer"). The URL carries a signature and, under a role, the session
// token of the broker's credentials: it is a bearer credential for one channel, so it is never logged.
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** The service name KVS signaling signs under (the JS SDK's SigV4RequestSigner DEFAULT_SERVICE). */
export const SIGNALING_SERVICE = 'kinesisvideo';

export interface ViewerUrlInput {
  /** The channel's WSS endpoint from GetSignalingChannelEndpoint (role VIEWER), e.g. `wss://v-1a2b.kinesisvideo…`. */
  endpoint: string;
  channelArn: string;
  clientId: string;
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  expiresInSeconds: number;
  /** Signing time (X-Amz-Date). */
  signingDate: Date;
}

/** RFC 3986 encoding, as SigV4's canonical query string has it (so the URL's query is the one that was signed). */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export async function signViewerUrl(input: ViewerUrlInput): Promise<string> {
  const url = new URL(input.endpoint);
  const signer = new SignatureV4({
    service: SIGNALING_SERVICE,
    region: input.region,
    credentials: input.credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  // SigV4 signs the host header (port included), not the request's hostname or port; a wss: URL's pathname is never
  // empty (the WHATWG URL gives a special scheme's empty path as '/').
  const signed = await signer.presign(
    {
      // Stryker disable next-line StringLiteral: presign copies the request into @smithy's HttpRequest, which makes an empty method GET
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      path: url.pathname,
      query: { 'X-Amz-ChannelARN': input.channelArn, 'X-Amz-ClientId': input.clientId },
      headers: { host: url.host },
    },
    { expiresIn: input.expiresInSeconds, signingDate: input.signingDate },
  );
  // presign's query holds only strings: the two given and the X-Amz-* it adds
  const query = Object.entries(signed.query ?? {})
    .map(([key, value]) => `${rfc3986(key)}=${rfc3986(String(value))}`)
    .sort()
    .join('&');
  return `${url.protocol}//${url.host}${url.pathname}?${query}`;
}
