// The servers of the OpenAPI document: the deployed stage as a variable, and, when served, the answering server
// first. Small and free of schema code, so the broker bundle can put its own URL into the committed document.

/** The deployed stage as a server variable: the stack output ApiUrl, or a custom domain with its base path. */
export const STAGE_SERVER = {
  url: '{stageUrl}',
  description: 'The deployed stage',
  variables: {
    stageUrl: {
      default: 'https://abcde12345.execute-api.us-east-1.amazonaws.com/prod',
      description:
        'The stage URL without a trailing slash: the stack output ApiUrl, or a custom domain with its base path',
    },
  },
};

/** The document's `servers`: the answering server first when it knows its URL (local mode), then the stage. */
export function openApiServers(servedAt?: string): Record<string, unknown>[] {
  return [
    ...(servedAt === undefined
      ? []
      : [{ url: servedAt.replace(/\/+$/, ''), description: 'The server that served this document' }]),
    STAGE_SERVER,
  ];
}

/** The committed document's text with the answering server listed first. */
export function servedOpenApiJson(documentJson: string, servedAt: string): string {
  return JSON.stringify({ ...(JSON.parse(documentJson) as object), servers: openApiServers(servedAt) });
}
