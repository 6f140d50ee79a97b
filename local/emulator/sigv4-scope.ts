// The SigV4 credential-scope check at the front door of every API call.
import { KvsError } from './errors';

/**
 * Signatures are not verified (credentials are dummies), but the request must be SigV4-signed for this
 * region and service, as AWS would insist: that catches an unsigned or wrongly configured client.
 */
export function checkSigned(authorization: string | undefined, region: string): void {
  if (authorization === undefined || !authorization.startsWith('AWS4-HMAC-SHA256 ')) {
    throw new KvsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const scope = /Credential=[^/,\s]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization);
  if (scope === null)
    throw new KvsError('InvalidSignatureException', 'Authorization header has no valid credential scope.');
  if (scope[1] !== region) {
    throw new KvsError(
      'InvalidSignatureException',
      `Credential should be scoped to a valid region, not '${scope[1]}'.`,
    );
  }
  if (scope[2] !== 'kinesisvideo') {
    throw new KvsError(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: 'kinesisvideo'.`,
    );
  }
}
