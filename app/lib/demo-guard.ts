/**
 * The local demo mode's request guard (pure). Demo mode has no session: any request from the
 * developer's machine is the merchant. Two ways a web page the developer visits could use that:
 *
 * - Cross-site requests: a page anywhere can auto-submit a form to http://127.0.0.1:3000/app/…
 *   (the browser connects from loopback) and delete a segment or change settings. Writes must
 *   come from the app's own pages: their Origin (or, when a browser sends none, Referer) is the
 *   address the request was sent to.
 * - DNS rebinding: a page on evil.example re-points its name at 127.0.0.1 and then reads the demo
 *   pages as its own origin. The browser still sends `Host: evil.example`, so only loopback names
 *   are answered.
 *
 * The Host header is what the browser connected to and cannot be set by a page's script; the
 * request URL is not used, because the Express adapter takes its port from X-Forwarded-Host.
 */

const LOOPBACK_NAMES = new Set(["localhost", "[::1]"]);

/** The Host header's host (name and port, lowercase), when it names a loopback address. */
function loopbackHost(hostHeader: string | null): string | null {
  if (!hostHeader) return null;
  let url: URL;
  try {
    url = new URL(`http://${hostHeader}`);
  } catch {
    return null;
  }
  if (url.username || url.password || url.pathname !== "/" || url.search || `${url.host}` !== hostHeader.toLowerCase().replace(/:80$/, "")) return null;
  const name = url.hostname;
  return LOOPBACK_NAMES.has(name) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) ? url.host : null;
}

function originOf(value: string | null): string | null {
  if (!value) return null;
  try {
    return new URL(value).origin; // "null" (sandboxed frames, data: URLs) throws and is refused
  } catch {
    return null;
  }
}

/** Why a demo-mode request is refused, or null when it may be served. */
export function demoRequestRefusal(request: Request): string | null {
  const host = loopbackHost(request.headers.get("host"));
  if (!host) return "Demo mode answers requests addressed to a loopback host only";
  if (request.method === "GET" || request.method === "HEAD") return null;
  const source = request.headers.get("origin") ?? request.headers.get("referer");
  if (originOf(source) !== `http://${host}`) return "Demo mode accepts changes from its own pages only";
  return null;
}
