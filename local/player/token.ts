// POST /player/token: mints a dev token for the player page (local mode only, never deployed).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BrokerError, errorBody, toBrokerError } from '../../lambda/core/errors';
import { parseGrant } from '../../lambda/core/grants';
import type { DevIssuer } from '../dev-issuer';
import { readBody } from '../http/body';
import { hasForeignOrigin } from '../http/host-guard';

export interface DevTokenRequest {
  sub: string;
  grants: unknown[];
  expiresInSeconds: number;
}

const MAX_BODY_BYTES = 16 * 1024;
const MAX_GRANTS = 20;
const FIELDS = new Set(['sub', 'grants', 'expiresInSeconds']);
export const DEV_TOKEN_DEFAULT_EXPIRES_SECONDS = 3600;
export const DEV_TOKEN_MAX_EXPIRES_SECONDS = 86400;

function invalid(field: string, message: string): BrokerError {
  return new BrokerError('INVALID_REQUEST', `${field}: ${message}`);
}

/** Validates a decoded body: `{ sub, grants, expiresInSeconds? }`, grants as docs/tokens.md defines them. */
export function parseDevTokenRequest(body: unknown): DevTokenRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('body', 'must be a JSON object');
  }
  const entry = body as Record<string, unknown>;
  const unknown = Object.keys(entry).filter((k) => !FIELDS.has(k));
  if (unknown.length > 0) throw invalid(unknown.join(', '), 'unknown field');
  const { sub, grants, expiresInSeconds = DEV_TOKEN_DEFAULT_EXPIRES_SECONDS } = entry;
  if (typeof sub !== 'string' || sub.length < 1 || sub.length > 256) {
    throw invalid('sub', 'must be a string of 1 to 256 characters');
  }
  if (!Array.isArray(grants) || grants.length < 1 || grants.length > MAX_GRANTS) {
    throw invalid('grants', `must be an array of 1 to ${MAX_GRANTS} grants`);
  }
  // Checked with the authorizer's own reader, so the page never mints a token whose grants it would ignore.
  const bad = grants.findIndex((g) => parseGrant(g) === undefined);
  if (bad >= 0) {
    throw invalid(
      `grants[${bad}]`,
      'must be a grant { stream, modes?, protocols?, from?, to?, maxExpiresSeconds? }',
    );
  }
  if (
    typeof expiresInSeconds !== 'number' ||
    !Number.isInteger(expiresInSeconds) ||
    expiresInSeconds < 60 ||
    expiresInSeconds > DEV_TOKEN_MAX_EXPIRES_SECONDS
  ) {
    throw invalid('expiresInSeconds', `must be an integer from 60 to ${DEV_TOKEN_MAX_EXPIRES_SECONDS}`);
  }
  return { sub, grants, expiresInSeconds };
}

/**
 * Anyone who can reach the local server may mint, so only the page itself may ask: a JSON content type (which a
 * cross-site form cannot send without a preflight we never answer) and no foreign origin (local/http/host-guard.ts;
 * the server has already refused a Host that is not this machine's, so a DNS-rebinding page cannot pass as ours).
 */
function checkCaller(req: IncomingMessage): void {
  if (hasForeignOrigin(req)) {
    throw new BrokerError('FORBIDDEN', 'Dev tokens are minted for the player page on this server only');
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw invalid('Content-Type', 'must be application/json');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(JSON.stringify(body));
}

/** Answers POST /player/token with `{ token, expiresAt }`, or the documented error body. */
export async function handleDevTokenRequest(
  req: IncomingMessage,
  res: ServerResponse,
  devIssuer: DevIssuer | undefined,
): Promise<void> {
  const requestId = randomUUID();
  try {
    if (devIssuer === undefined) {
      throw new BrokerError('NOT_FOUND', 'The dev issuer is off on this server: paste a token instead');
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      throw invalid('method', 'must be POST');
    }
    checkCaller(req);
    let body: unknown;
    try {
      body = JSON.parse(
        (
          await readBody(req, MAX_BODY_BYTES, () =>
            invalid('body', `must be at most ${MAX_BODY_BYTES} bytes`),
          )
        ).toString('utf8'),
      );
    } catch (error) {
      if (error instanceof BrokerError) throw error;
      throw invalid('body', 'must be valid JSON');
    }
    const request = parseDevTokenRequest(body);
    const issuedAt = new Date();
    const token = await devIssuer.mint({ ...request, issuedAt });
    const expiresAt = new Date(
      Math.floor(issuedAt.getTime() / 1000) * 1000 + request.expiresInSeconds * 1000,
    ).toISOString();
    sendJson(res, 200, { token, expiresAt });
  } catch (error) {
    const body = errorBody(error, requestId);
    // Name and message only: never an object that could carry request data or a minted token.
    if (body.error.code === 'INTERNAL_ERROR')
      console.error('player token endpoint failed:', toBrokerError(error).detail);
    sendJson(res, error instanceof BrokerError ? error.status : 500, body);
  }
}
