// The player page of local mode: GET /player, its assets under /player/, and the dev token endpoint.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { DevIssuer } from '../dev-issuer';
import { handleDevTokenRequest } from './token';

export interface PlayerRoutesOptions {
  /** Enables POST /player/token and the page's "Mint dev token" button. @default off */
  devIssuer?: DevIssuer;
}

export type PlayerRoutes = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

export const PLAYER_PATH = '/player';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const require = createRequire(import.meta.url);

/** The players, as their packages ship them for a <script> tag (UMD globals `dashjs` and `Hls`). */
function vendorFiles(): Record<string, string> {
  const dash = require.resolve('dashjs'); // the package's "require" export: dist/modern/umd/dash.all.min.js
  const hls = require.resolve('hls.js/dist/hls.min.js');
  return {
    'dash.all.min.js': dash,
    'dash.all.min.js.map': `${dash}.map`,
    'hls.min.js': hls,
    'hls.min.js.map': `${hls}.map`,
  };
}

// Everything comes from this server; media and session calls may go to any http(s) origin (the KVS endpoint), and
// a WebRTC viewer's signaling WebSocket to any ws(s) one.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' http: https: ws: wss:",
  "media-src 'self' blob: http: https:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The page's stylesheets: the player's, and the archive and grid panels' (archive.css). */
const STYLESHEETS = new Set(['player.css', 'archive.css']);

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  map: 'application/json',
};

function send(
  req: IncomingMessage,
  res: ServerResponse,
  type: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(200, {
    'Content-Type': TYPES[type] ?? 'application/octet-stream',
    'Content-Length': String(bytes.length),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' });
  res.end(JSON.stringify({ error: { code, message }, requestId: randomUUID() }));
}

/** client.ts as one ES module, built in memory with esbuild on first request and kept. */
function clientBundler(): () => Promise<string> {
  let bundle: Promise<string> | undefined;
  return () => {
    bundle ??= import('esbuild')
      .then((esbuild) =>
        esbuild.build({
          entryPoints: [here('./client.ts')],
          bundle: true,
          write: false,
          format: 'esm',
          platform: 'browser',
          target: 'es2022',
          sourcemap: 'inline',
          logLevel: 'silent',
        }),
      )
      .then((result) => result.outputFiles[0]!.text)
      .catch((error: unknown) => {
        bundle = undefined; // try again on the next request
        throw error;
      });
    return bundle;
  };
}

/**
 * Routes for the local server's `extraRoutes`: resolves true when it answered the request. Paths outside
 * /player are left to the API.
 */
export function createPlayerRoutes(options: PlayerRoutesOptions = {}): PlayerRoutes {
  const vendor = vendorFiles();
  const client = clientBundler();
  const devTokens = options.devIssuer !== undefined;

  return async (req, res, url) => {
    const path = url.pathname;
    if (path !== PLAYER_PATH && !path.startsWith(`${PLAYER_PATH}/`)) return false;
    if (path === `${PLAYER_PATH}/token`) {
      await handleDevTokenRequest(req, res, options.devIssuer);
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      sendError(res, 405, 'INVALID_REQUEST', `method: ${path} answers GET and HEAD only`);
      return true;
    }

    const name = path.slice(PLAYER_PATH.length + 1);
    if (name === '' || name === 'index.html') {
      const html = await readFile(here('./index.html'), 'utf8');
      send(
        req,
        res,
        'html',
        html.replace('data-dev-tokens="off"', `data-dev-tokens="${devTokens ? 'on' : 'off'}"`),
        {
          'Cache-Control': 'no-store',
          'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        },
      );
      return true;
    }
    if (STYLESHEETS.has(name)) {
      send(req, res, 'css', await readFile(here(`./${name}`)), { 'Cache-Control': 'no-cache' });
      return true;
    }
    if (name === 'client.js') {
      send(req, res, 'js', await client(), { 'Cache-Control': 'no-cache' });
      return true;
    }
    const file = name.startsWith('vendor/') ? vendor[name.slice('vendor/'.length)] : undefined;
    const bytes = file !== undefined ? await readFile(file).catch(() => undefined) : undefined;
    if (file !== undefined && bytes !== undefined) {
      send(req, res, file.endsWith('.map') ? 'map' : 'js', bytes, { 'Cache-Control': 'max-age=3600' });
      return true;
    }
    sendError(res, 404, 'NOT_FOUND', `${path} is not a player asset`);
    return true;
  };
}
