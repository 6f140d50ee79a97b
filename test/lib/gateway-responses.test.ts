// API Gateway's own errors speak the contract's error contract.
import { describe, expect, it } from '@jest/globals';
import { Template } from 'aws-cdk-lib/assertions';
import { ERROR_STATUS } from '../../lambda/core/errors';
import { GATEWAY_ERROR_RESPONSES } from '../../lambda/contract/gateway-responses';
import { errorTemplate, gatewayCorsHeaders } from '../../lib/gateway-responses';
import { KvsSessionBroker } from '../../lib/kvs-session-broker';
import { newStack, testConfig } from './fixtures';

describe('errorTemplate', () => {
  it('renders the documented error body with the request id from API Gateway context', () => {
    expect(JSON.parse(errorTemplate('UNAUTHORIZED', 'Missing or invalid bearer token'))).toEqual({
      error: { code: 'UNAUTHORIZED', message: 'Missing or invalid bearer token' },
      requestId: '$context.requestId',
    });
  });
});

describe('GATEWAY_ERROR_RESPONSES', () => {
  it('lists each response type once', () => {
    const types = GATEWAY_ERROR_RESPONSES.map((r) => r.type);
    expect(new Set(types).size).toBe(types.length);
  });

  it('uses only documented codes, never INTERNAL_ERROR', () => {
    for (const response of GATEWAY_ERROR_RESPONSES) {
      expect(Object.keys(ERROR_STATUS)).toContain(response.code);
      expect(response.code).not.toBe('INTERNAL_ERROR');
    }
  });
});

describe('gatewayCorsHeaders', () => {
  it.each([
    ['no origin', [], {}],
    [
      'any origin',
      ['*'],
      { 'Access-Control-Allow-Origin': "'*'", 'Access-Control-Expose-Headers': "'Retry-After'" },
    ],
    [
      'one origin',
      ['https://app.example.com'],
      {
        'Access-Control-Allow-Origin': "'https://app.example.com'",
        'Access-Control-Expose-Headers': "'Retry-After'",
      },
    ],
    // A gateway response cannot choose among origins, and echoing Origin would answer any site (SECURITY.md).
    [
      'several origins (none: never reflect an origin outside the list)',
      ['https://a.example.com', 'https://b.example.com'],
      {},
    ],
  ])('%s', (_name, origins, headers) => {
    expect(gatewayCorsHeaders(origins)).toEqual(headers);
  });
});

describe('the deployed gateway responses', () => {
  it('send WWW-Authenticate: Bearer with the RFC 6750 error on the 401 (UNAUTHORIZED) and on nothing else', () => {
    const stack = newStack('Gateway');
    new KvsSessionBroker(stack, 'Broker', { config: testConfig() });
    const responses = Template.fromStack(stack).findResources('AWS::ApiGateway::GatewayResponse');
    const withHeader = Object.values(responses)
      .filter((r) => r.Properties.ResponseParameters['gatewayresponse.header.WWW-Authenticate'] !== undefined)
      .map((r) => [
        r.Properties.ResponseType,
        r.Properties.StatusCode,
        r.Properties.ResponseParameters['gatewayresponse.header.WWW-Authenticate'],
      ]);
    expect(withHeader).toEqual([['UNAUTHORIZED', '401', `'Bearer error="invalid_token"'`]]);
  });
});
