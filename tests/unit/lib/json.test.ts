import { describe, expect, it } from "vitest";
import { parseJsonLossless, toJsonSafe } from "~/lib/json";

describe("parseJsonLossless", () => {
  it("keeps integers above 2^53 as their exact digits", () => {
    const parsed = parseJsonLossless('{"id": 820982911946154508, "n": 42, "f": 1.5, "big": [9007199254740993]}') as Record<string, unknown>;
    expect(parsed).toEqual({ id: "820982911946154508", n: 42, f: 1.5, big: ["9007199254740993"] });
  });

  it("throws on invalid JSON like JSON.parse", () => {
    expect(() => parseJsonLossless("{nope")).toThrow(SyntaxError);
  });
});

describe("toJsonSafe", () => {
  it("turns bigint and Date into JSON values", () => {
    expect(toJsonSafe({ a: 1n, b: 2n ** 60n, d: new Date("2026-01-01T00:00:00Z"), list: [3n] })).toEqual({
      a: 1,
      b: "1152921504606846976",
      d: "2026-01-01T00:00:00.000Z",
      list: [3],
    });
  });
});
