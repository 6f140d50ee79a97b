// The OpenAPI document: generated from the route table and the schemas, committed as docs/openapi.json.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { openApiDocument, requestSchema } from '../../../lambda/contract/openapi';
import { OPERATION_DOCS } from '../../../lambda/contract/openapi-components';
import { ROUTES } from '../../../lambda/contract/routes';
import { GRANT_MODES } from '../../../lambda/core/config-rules';

interface Operation {
  operationId: string;
  security?: unknown[];
  parameters?: Array<{ name: string; in: string; schema: Record<string, unknown> }>;
  responses: Record<
    string,
    { headers?: Record<string, unknown>; content: Record<string, { schema: unknown }> }
  >;
}
interface Doc {
  openapi: string;
  info: { license: { name: string; identifier: string }; description: string };
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<
      string,
      {
        properties: Record<string, Record<string, unknown>>;
        required?: string[];
        additionalProperties: unknown;
      }
    >;
  };
}
const doc = openApiDocument() as unknown as Doc;
const session = doc.paths['/v1/streams/{streamName}/sessions']!.post!;
const list = doc.paths['/v1/streams']!.get!;
const self = doc.paths['/openapi.json']!.get!;

describe('docs/openapi.json', () => {
  it('is what the route table and the schemas generate (run `npm run schemas` after changing them)', () => {
    const committed = JSON.parse(readFileSync('docs/openapi.json', 'utf8')) as unknown;
    expect(committed).toEqual(openApiDocument());
  });

  it('is JSON as generated: no member is left undefined (the committed file would silently drop it)', () => {
    expect(JSON.parse(JSON.stringify(doc))).toStrictEqual(doc);
  });

  it('is OpenAPI 3.1 with an Apache-2.0 license, and the deployed stage as a server variable', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.license).toEqual({ name: 'Apache-2.0', identifier: 'Apache-2.0' });
    expect(doc.servers).toEqual([
      {
        url: '{stageUrl}',
        description: 'The deployed stage',
        variables: {
          stageUrl: {
            default: expect.stringMatching(/^https:\/\/\w+\.execute-api\.[\w-]+\.amazonaws\.com\/prod$/),
            description: expect.any(String),
          },
        },
      },
    ]);
    // A partner reads this document alone: it names no file of this repository.
    expect(JSON.stringify(doc)).not.toMatch(/\.md\b|README/);
  });

  it('lists the answering server first when told where it is served (local mode), without a trailing slash', () => {
    const served = openApiDocument({ servedAt: 'http://127.0.0.1:4321/' }) as unknown as Doc;
    expect(served.servers.map((s) => s.url)).toEqual(['http://127.0.0.1:4321', '{stageUrl}']);
  });

  it('gives every operation of the route table its tag and description, every tag declared once', () => {
    const operations = Object.values(doc.paths).flatMap((p) => Object.values(p)) as unknown as {
      tags: string[];
      description: string;
    }[];
    expect(operations).toHaveLength(ROUTES.length);
    for (const route of ROUTES) {
      const op = doc.paths[route.path]![route.method.toLowerCase()] as unknown as {
        tags: string[];
        description: string;
      };
      expect(op.tags).toEqual([OPERATION_DOCS[route.operationId].tag]);
      expect(op.description).toBe(OPERATION_DOCS[route.operationId].description);
      expect(op.description.length).toBeGreaterThan(20);
    }
    const declared = (doc as unknown as { tags: { name: string; description: string }[] }).tags;
    expect(declared.map((t) => t.name).sort()).toEqual(
      [...new Set(ROUTES.map((r) => OPERATION_DOCS[r.operationId].tag))].sort(),
    );
    for (const tag of declared) expect(tag.description).not.toBe('');
  });

  it('declares bearer JWTs and OAuth2 client credentials with the scope grants, either one accepted', () => {
    const d = doc as unknown as {
      security: unknown[];
      components: {
        securitySchemes: Record<
          string,
          {
            type: string;
            flows?: { clientCredentials: { tokenUrl: string; scopes: Record<string, string> } };
          }
        >;
      };
    };
    expect(d.security).toEqual([{ bearer: [] }, { oauth2: [] }]);
    expect(d.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    const flow = d.components.securitySchemes.oauth2!.flows!.clientCredentials;
    expect(Object.keys(flow.scopes)).toEqual(GRANT_MODES.map((m) => `kvs:${m}:*`));
    expect(flow.tokenUrl).toMatch(/^https:\/\//);
  });

  it('says WWW-Authenticate: Bearer on every 401', () => {
    for (const path of Object.values(doc.paths))
      for (const op of Object.values(path))
        if (op.responses['401'])
          expect(op.responses['401'].headers).toEqual({
            'WWW-Authenticate': { $ref: '#/components/headers/WWWAuthenticate' },
          });
    expect(session.responses['401']).toBeDefined();
    expect(
      (doc as unknown as { components: { headers: Record<string, unknown> } }).components.headers
        .WWWAuthenticate,
    ).toEqual({
      required: true,
      description: expect.any(String),
      schema: { type: 'string', const: 'Bearer error="invalid_token"' },
    });
  });

  it('lists the five operations, the document itself open to anyone', () => {
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/openapi.json',
      '/v1/revocations',
      '/v1/sessions',
      '/v1/streams',
      '/v1/streams/{streamName}/clip',
      '/v1/streams/{streamName}/images',
      '/v1/streams/{streamName}/sessions',
      '/v1/streams/{streamName}/timeline',
      '/v1/streams/{streamName}/webrtc',
    ]);
    expect([session.operationId, list.operationId, self.operationId]).toEqual([
      'createSession',
      'listStreams',
      'getOpenApiDocument',
    ]);
    expect(self.security).toEqual([]);
    expect(session.security).toBeUndefined(); // the document-wide bearer requirement
  });

  it('documents every body field, none required (each has a default or is conditional), unknown ones refused', () => {
    const request = doc.components.schemas.SessionRequest!;
    expect(Object.keys(request.properties).sort()).toEqual([
      'containerFormat',
      'discontinuityMode',
      'displayFragmentNumber',
      'displayFragmentTimestamp',
      'endTimestamp',
      'expiresInSeconds',
      'fragmentSelectorType',
      'maxFragmentResults',
      'playbackMode',
      'protocol',
      'startTimestamp',
      'viewerId',
    ]);
    expect(request.required).toBeUndefined();
    expect(request.additionalProperties).toBe(false);
    // Defaults in the description, not `default`: generated clients would make a field with a default required.
    expect(request.properties.protocol).toEqual({
      type: 'string',
      enum: ['DASH', 'HLS'],
      description: 'Default: "DASH".',
    });
    for (const field of Object.values(request.properties)) expect(field).not.toHaveProperty('default');
    expect(request.properties.expiresInSeconds).toMatchObject({
      type: 'integer',
      minimum: 300,
      maximum: 43200,
    });
  });

  it("states a request field's default after its own description, and adds no description to a field without", () => {
    const body = z.object({
      count: z.number().int().default(3).meta({ description: 'How many' }),
      flag: z.boolean().default(false),
      name: z.string().optional(),
    });
    expect(requestSchema(body).properties).toStrictEqual({
      count: expect.objectContaining({ type: 'integer', description: 'How many. Default: 3.' }),
      flag: { type: 'boolean', description: 'Default: false.' },
      name: { type: 'string' },
    });
  });

  it('takes the stream-name pattern and the limit bounds from the code that checks them', () => {
    expect(session.parameters).toEqual([
      expect.objectContaining({
        name: 'streamName',
        in: 'path',
        schema: expect.objectContaining({ type: 'string', pattern: '^[a-zA-Z0-9_.-]{1,256}$' }),
      }),
    ]);
    expect(list.parameters?.[0]).toMatchObject({
      name: 'limit',
      in: 'query',
      schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    });
  });

  it.each([
    [
      'createSession',
      session,
      ['200', '400', '401', '403', '404', '413', '415', '422', '429', '500', '502', '503', '504'],
    ],
    ['listStreams', list, ['200', '400', '401', '403', '429', '500', '502', '503', '504']],
    ['getOpenApiDocument', self, ['200', '403', '429', '500', '502', '504']],
  ])('%s lists every status it can answer, 500 INTERNAL_ERROR included', (_name, operation, statuses) => {
    expect(Object.keys(operation.responses)).toEqual(statuses);
    expect(JSON.stringify(operation.responses['500'])).toContain('"enum":["INTERNAL_ERROR"]');
    expect(operation.responses['429']!.headers).toEqual({
      'Retry-After': { $ref: '#/components/headers/RetryAfter' },
    });
  });

  it('describes the answers the handlers build: a session, a stream list with truncated, and the error body', () => {
    expect(doc.components.schemas.Session!.required).toEqual([
      'url',
      'protocol',
      'streamName',
      'playbackMode',
      'expiresAt',
      'expiresInSeconds',
    ]);
    expect(Object.keys(doc.components.schemas.StreamList!.properties)).toEqual([
      'streams',
      'nextToken',
      'truncated',
    ]);
    expect(doc.components.schemas.Error!.properties.error).toMatchObject({ required: ['code', 'message'] });
  });
});
