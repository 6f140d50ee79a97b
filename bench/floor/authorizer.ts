// The authorizer's floor: jose verifying the token against the issuer's remote JWKS, a trivial Allow, and one JSON
// audit line to stdout (a decision must be audited: bench/README.md).
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';

const issuer = (JSON.parse(process.env.KVS_BROKER_CONFIG!) as { issuers: Record<string, string>[] })
  .issuers[0]!;
const keys = createRemoteJWKSet(new URL(issuer.jwksUri!));

export const handler = async (event: APIGatewayRequestAuthorizerEvent) => {
  const token = (event.headers?.Authorization ?? '').slice('Bearer '.length);
  const { payload } = await jwtVerify(token, keys, { issuer: issuer.issuer!, audience: issuer.audience! });
  const line = {
    message: 'token accepted',
    time: new Date().toISOString(),
    issuer: payload.iss,
    sub: payload.sub,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  return {
    principalId: payload.sub,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
    },
  };
};
