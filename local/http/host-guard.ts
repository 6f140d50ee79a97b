// Local mode answers only requests addressed to this machine (SECURITY.md, Local mode): a page on any site can make
// its own DNS name resolve to 127.0.0.1 (DNS rebinding) and then call the local server as same-origin, but its
// requests still name the page's host in `Host`. So every request's Host must be a loopback name (localhost,
// 127.0.0.0/8, [::1]) or one the config lists (`local.allowedHosts`), and the endpoints that mint tokens or read
// audit lines (POST /player/token, the local CloudWatch and Logs endpoints) also refuse a foreign `Origin`.
import type { IncomingMessage } from 'node:http';

const LOOPBACK = /^(localhost|127(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}|\[::1\])$/;

/** The host name of a Host header or an origin's authority, lowercased and without its port; undefined if malformed. */
function hostnameOf(authority: string): string | undefined {
  if (authority === '' || /[\s/?#@\\]/.test(authority)) return undefined;
  const url = URL.parse(`http://${authority}`);
  return url?.hostname.toLowerCase();
}

/** Whether a host name (no port) is loopback or listed. */
export function isAllowedHostname(hostname: string, allowedHosts: readonly string[]): boolean {
  const name = hostname.toLowerCase();
  return LOOPBACK.test(name) || allowedHosts.some((h) => h.toLowerCase() === name);
}

/** Whether the request's Host names this machine: loopback, or a configured name. A request without Host is refused. */
export function hasAllowedHost(req: IncomingMessage, allowedHosts: readonly string[]): boolean {
  const host = req.headers.host;
  if (host === undefined) return false;
  const hostname = hostnameOf(host);
  return hostname !== undefined && isAllowedHostname(hostname, allowedHosts);
}

/**
 * Whether the request comes from a page of another origin. No `Origin` (curl, the SDKs, a same-origin GET) is not
 * foreign; `null` (a sandboxed or file: page) is; otherwise the origin's host and port must be the request's Host.
 */
export function hasForeignOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  const url = URL.parse(origin);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return true;
  return url.host.toLowerCase() !== (req.headers.host ?? '').toLowerCase();
}
