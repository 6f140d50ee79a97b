// JSON Schemas (OpenAPI 3.1) of POST /v1/streams/{streamName}/webrtc: its body and its answer (lambda/core/webrtc.ts
// holds the rules; these describe them for partners and generated clients).
import { VIEWER_ID } from '../core/seats';
import { CLIENT_ID, WEBRTC_MAX_URL_SECONDS } from '../core/webrtc';

export const webrtcRequestSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Body of POST /v1/streams/{streamName}/webrtc (optional)',
  properties: {
    clientId: {
      type: 'string',
      pattern: CLIENT_ID.source,
      description:
        "The viewer's X-Amz-ClientId (KVS's pattern, never starting AWS_). Default: derived from the caller and the " +
        'request, so two viewers of one user do not replace each other',
    },
    viewerId: {
      type: 'string',
      pattern: VIEWER_ID.source,
      description:
        "The device's stable id: a WebRTC viewer takes one seat per viewerId, like a session " +
        '(viewers.seatsPerPrincipal)',
    },
  },
};

export const webrtcAnswerSchema = {
  type: 'object',
  additionalProperties: false,
  description: "A viewer's connection to the stream's signaling channel (Cache-Control: no-store)",
  required: [
    'protocol',
    'streamName',
    'channelArn',
    'clientId',
    'signalingUrl',
    'iceServers',
    'expiresAt',
    'expiresInSeconds',
  ],
  properties: {
    protocol: { type: 'string', const: 'WEBRTC' },
    streamName: { type: 'string' },
    channelArn: { type: 'string' },
    clientId: { type: 'string' },
    signalingUrl: {
      type: 'string',
      format: 'uri',
      description:
        'The ConnectAsViewer WebSocket URL, signed with SigV4 query parameters: a credential for this channel ' +
        'until expiresAt. Never log or store it',
    },
    iceServers: {
      type: 'array',
      description:
        "RTCIceServer entries for the viewer's RTCPeerConnection (STUN, and KVS TURN with credentials)",
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['urls'],
        properties: {
          urls: { type: 'array', items: { type: 'string' } },
          username: { type: 'string' },
          credential: { type: 'string' },
        },
      },
    },
    expiresAt: {
      type: 'string',
      format: 'date-time',
      description: 'When signalingUrl stops opening connections',
    },
    expiresInSeconds: { type: 'integer', minimum: 1, maximum: WEBRTC_MAX_URL_SECONDS },
  },
};

export const WEBRTC_COMPONENT_SCHEMAS = {
  WebrtcRequest: webrtcRequestSchema,
  WebrtcViewer: webrtcAnswerSchema,
};

/** The operation's inputs and 200 (lambda/contract/openapi.ts operationDetails), given the streamName schema. */
export function webrtcOperationDetails(streamName: unknown) {
  return {
    parameters: [{ name: 'streamName', in: 'path', required: true, schema: streamName }],
    requestBody: {
      required: false,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/WebrtcRequest' } } },
    },
    ok: {
      description: 'Granted (grant mode WEBRTC)',
      headers: { 'Cache-Control': { $ref: '#/components/headers/CacheControl' } },
      schema: '#/components/schemas/WebrtcViewer',
    },
  };
}
