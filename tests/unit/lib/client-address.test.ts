import { describe, expect, it } from "vitest";
import { clientAddress, clientBucket, normalizeAddress } from "~/lib/client-address.server";

describe("clientAddress", () => {
  it("is the TCP peer when no proxy is trusted, whatever X-Forwarded-For claims", () => {
    expect(clientAddress("203.0.113.7", "198.51.100.1", 0)).toBe("203.0.113.7");
    expect(clientAddress("::ffff:203.0.113.7", null, 0)).toBe("203.0.113.7");
    expect(clientAddress(undefined, "198.51.100.1", 0)).toBeNull();
  });

  it("behind N trusted proxies, is the N-th X-Forwarded-For entry from the right; entries the client wrote further left do not count", () => {
    expect(clientAddress("10.0.0.2", "198.51.100.1", 1)).toBe("198.51.100.1");
    expect(clientAddress("10.0.0.2", "1.1.1.1, 2.2.2.2, 198.51.100.1", 1)).toBe("198.51.100.1");
    expect(clientAddress("10.0.0.2", "1.1.1.1, 198.51.100.1, 10.0.0.9", 2)).toBe("198.51.100.1");
    expect(clientAddress("10.0.0.2", "[2001:db8::1]:443", 1)).toBe("2001:db8::1");
    // Fewer entries than hops: the furthest address a trusted proxy wrote.
    expect(clientAddress("10.0.0.2", "198.51.100.1", 3)).toBe("198.51.100.1");
    expect(clientAddress("10.0.0.2", null, 1)).toBe("10.0.0.2");
    expect(clientAddress("10.0.0.2", "not-an-ip", 1)).toBeNull();
  });
});

describe("normalizeAddress", () => {
  it("unwraps ports, brackets and IPv4-mapped IPv6", () => {
    expect(normalizeAddress("203.0.113.7:5555")).toBe("203.0.113.7");
    expect(normalizeAddress("[2001:DB8::1]")).toBe("2001:db8::1");
    expect(normalizeAddress("::FFFF:203.0.113.7")).toBe("203.0.113.7");
    expect(normalizeAddress("::ffff:cb00:7107")).toBe("203.0.113.7");
    expect(normalizeAddress("unknown")).toBeNull();
  });
});

describe("clientBucket", () => {
  it("is a public IPv4 address itself", () => {
    expect(clientBucket("203.0.113.7")).toBe("203.0.113.7");
  });

  it("is an IPv6 address's /64, so one line's addresses share a budget", () => {
    expect(clientBucket("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(clientBucket("2001:db8:1:2:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(clientBucket("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientBucket("2001:db8::5")).toBe(clientBucket("2001:0db8:0000:0000::9"));
    expect(clientBucket("64:ff9b::203.0.113.7")).toBe("64:ff9b:0:0::/64");
  });

  it("is none for loopback, private, link-local and carrier-NAT addresses: they name a proxy, not a shopper", () => {
    for (const address of ["127.0.0.1", "10.1.2.3", "172.20.0.5", "192.168.1.1", "169.254.1.1", "100.64.0.1", "::1", "fd00::1", "fe80::1"]) {
      expect(clientBucket(address), address).toBeNull();
    }
    expect(clientBucket(null)).toBeNull();
  });
});
