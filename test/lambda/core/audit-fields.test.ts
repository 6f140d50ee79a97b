// The one audit-fields builder (lambda/core/audit.ts auditFields): what a broker route and the authorizer both
// write about the request and its caller, from either kind of API Gateway event.
import { describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { auditFields } from '../../../lambda/core/audit';

const ISSUERS = [
  { issuer: 'https://idp.example.com/', streamPrefix: '' },
  { issuer: 'https://partner.example.net/', streamPrefix: 'acme-' },
];

const requestContext = {
  requestId: 'req-1',
  extendedRequestId: 'ext-1',
  identity: { sourceIp: '203.0.113.7', userAgent: 'ExoPlayer/2.19' },
};

describe('auditFields', () => {
  it('reads request ids, source and path stream from a proxy event, and the tenant from the caller issuer', () => {
    const event = {
      requestContext,
      pathParameters: { streamName: 'acme-cam' },
    } as unknown as APIGatewayProxyEvent;
    expect(auditFields(event, { issuer: 'https://partner.example.net/', sub: 'svc-7' }, ISSUERS)).toEqual({
      requestId: 'req-1',
      extendedRequestId: 'ext-1',
      issuer: 'https://partner.example.net/',
      sub: 'svc-7',
      tenant: 'acme-',
      streamName: 'acme-cam',
      sourceIp: '203.0.113.7',
      userAgent: 'ExoPlayer/2.19',
    });
  });

  it('reads the same fields from a REQUEST authorizer event, the issuer itself being the tenant without a prefix', () => {
    const event = {
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:us-east-1:1:api/prod/GET/v1/streams',
      requestContext,
      pathParameters: null,
    } as unknown as APIGatewayRequestAuthorizerEvent;
    expect(auditFields(event, { issuer: 'https://idp.example.com/', sub: 'u' }, ISSUERS)).toMatchObject({
      requestId: 'req-1',
      tenant: 'https://idp.example.com/',
      streamName: undefined,
    });
  });

  it('names no caller and no tenant before the token was read, and no tenant for an issuer not configured', () => {
    expect(auditFields({ requestContext }, undefined, ISSUERS)).toMatchObject({
      issuer: undefined,
      sub: undefined,
      tenant: undefined,
    });
    expect(
      auditFields({ requestContext }, { issuer: 'https://evil.example/' }, ISSUERS).tenant,
    ).toBeUndefined();
  });

  it('gives an empty request id and no user agent when API Gateway sent none (a null user agent included)', () => {
    const fields = auditFields({ requestContext: { identity: { userAgent: null } } }, undefined, []);
    expect(fields.requestId).toBe('');
    expect(fields.userAgent).toBeUndefined();
  });
});
