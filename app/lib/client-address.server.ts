/**
 * Who sent a request, for per-client rate limits on endpoints browsers call directly (the web
 * pixel's). No I/O; node:net only for address parsing.
 *
 * The TCP peer is the only address nobody can forge. X-Forwarded-For is a header any client can
 * write, so it counts only when the app is configured to sit behind `trustedHops` proxies
 * (TRUST_PROXY_HOPS): each of them appends the address it received the request from, so the
 * client is the `trustedHops`-th entry from the right, and entries further left are whatever the
 * client sent. (Express's `trust proxy = N` reads the header the same way.)
 */
import { BlockList, isIP } from "node:net";

/** The client's address: the peer, or with trusted proxies the entry the outermost one wrote. */
export function clientAddress(peer: string | undefined, forwardedFor: string | null, trustedHops: number): string | null {
  const chain = [peer ?? "", ...(trustedHops > 0 && forwardedFor ? forwardedFor.split(",").reverse() : [])];
  // Fewer entries than trusted hops: the furthest address we have (a misconfiguration, not an attack:
  // every entry counted here was written by a proxy we trust).
  return normalizeAddress(chain[Math.min(trustedHops, chain.length - 1)]!.trim());
}

/** A bare IP from a peer or header entry ("::ffff:1.2.3.4", "[2001:db8::1]:443", "1.2.3.4:80"), or null. */
export function normalizeAddress(raw: string): string | null {
  let value = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(value);
  if (mapped) value = mapped[1]!;
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(value);
  if (mappedHex) {
    const [hi, lo] = [parseInt(mappedHex[1]!, 16), parseInt(mappedHex[2]!, 16)];
    value = [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
  }
  return isIP(value) ? value.toLowerCase() : null;
}

const NOT_A_SHOPPER = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT and cloud-internal ranges: never a browser's public address
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
] as const) {
  NOT_A_SHOPPER.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 127], // :: and ::1
  ["fc00::", 7],
  ["fe80::", 10],
] as const) {
  NOT_A_SHOPPER.addSubnet(net, prefix, "ipv6");
}

/**
 * The budget bucket of an address: an IPv4 address itself, an IPv6 address's /64 (one subscriber
 * line or host usually holds a whole /64, so per-address budgets would be free to multiply). Null
 * for loopback, private and link-local addresses: behind a proxy the app was not told about, every
 * shopper would share the proxy's bucket, so no per-client budget is better than one for all.
 */
export function clientBucket(address: string | null): string | null {
  if (!address) return null;
  const family = isIP(address);
  if (family === 4) return NOT_A_SHOPPER.check(address, "ipv4") ? null : address;
  if (family !== 6 || NOT_A_SHOPPER.check(address, "ipv6")) return null;
  return `${expandIpv6(address).slice(0, 4).join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part becomes two groups). */
function expandIpv6(address: string): string[] {
  let text = address.toLowerCase();
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return groups.map((g) => g.replace(/^0+(?=.)/, ""));
}
