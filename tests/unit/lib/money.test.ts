import { describe, expect, it } from "vitest";
import { formatMoney, fromMinor, minorDigits, toMinor } from "~/lib/money";

describe("toMinor", () => {
  it("converts decimal strings exactly, per currency precision", () => {
    expect(toMinor("404.95", "USD")).toBe(40495n);
    expect(toMinor("1200", "JPY")).toBe(1200n);
    expect(toMinor("1.234", "KWD")).toBe(1234n);
    expect(toMinor("0.1", "USD")).toBe(10n);
    expect(toMinor("-5.5", "EUR")).toBe(-550n);
  });

  it("handles amounts beyond float precision", () => {
    expect(toMinor("90071992547409.93", "USD")).toBe(9007199254740993n);
  });

  it("rounds half away from zero past the currency's digits", () => {
    expect(toMinor("1.005", "USD")).toBe(101n);
    expect(toMinor("1.004", "USD")).toBe(100n);
  });

  it("treats null and empty as zero and refuses non-amounts", () => {
    expect(toMinor(null, "USD")).toBe(0n);
    expect(toMinor("", "USD")).toBe(0n);
    expect(() => toMinor("example string", "USD")).toThrow(/Not a money amount/);
  });
});

describe("fromMinor / formatMoney", () => {
  it("round-trips", () => {
    expect(fromMinor(40495n, "USD")).toBe("404.95");
    expect(fromMinor(-5n, "USD")).toBe("-0.05");
    expect(fromMinor(1200n, "JPY")).toBe("1200");
    expect(minorDigits("NOPE")).toBe(2);
  });

  it("formats for display", () => {
    expect(formatMoney(40495n, "USD", "en")).toBe("$404.95");
  });
});
