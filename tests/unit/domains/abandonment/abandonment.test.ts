import { describe, expect, it } from "vitest";
import { raw, render } from "~/lib/sql";
import {
  abandonmentRate,
  AbandonmentSettingsSchema,
  CHECKOUT_STEPS,
  classifySql,
  median,
  PIXEL_STEP_EVENTS,
  pixelStepSql,
  stepFunnel,
  stepOfPayload,
} from "~/domains/abandonment/abandonment";
import { toCheckoutRows } from "~/domains/checkouts/checkout-mapping";
import { CheckoutPayloadSchema } from "~/webhooks/payloads";
import { fixture } from "#test/fixtures";

describe("abandonment definitions", () => {
  it("defaults to a 60-minute threshold and a 5-day attribution window", () => {
    expect(AbandonmentSettingsSchema.parse({})).toEqual({ thresholdMinutes: 60, attributionWindowDays: 5 });
    expect(AbandonmentSettingsSchema.safeParse({ thresholdMinutes: 1 }).success).toBe(false);
  });

  it("always reports the rate with its denominator", () => {
    expect(abandonmentRate(3, 12)).toEqual({ rate: 0.25, abandoned: 3, started: 12 });
    expect(abandonmentRate(0, 0)).toEqual({ rate: null, abandoned: 0, started: 0 });
  });

  it("takes the median of an even and an odd list", () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([40, 10, 20, 30])).toBe(25);
    expect(median([])).toBeNull();
  });

  it("classifies in SQL with the threshold and the moment bound as parameters", () => {
    const { status } = classifySql({ lastActivityAt: raw("a.t"), completedAt: raw("a.c"), hasContact: raw("a.h"), recoveryQualifies: raw("a.q"), tracked: raw("a.k") }, 60, new Date("2026-06-10T12:00:00Z"));
    const [text, ...values] = render(status);
    expect(text).toContain("THEN 'COMPLETED'");
    expect(text).toContain("THEN 'NO_CONTACT'");
    expect(text).toContain("WHEN NOT a.k THEN 'EXCLUDED'");
    expect(new Set(values)).toEqual(new Set([60, "2026-06-10 12:00:00.000"]));
  });
});

describe("checkout steps", () => {
  it("reads the furthest step from what a checkouts/* payload carries", () => {
    expect(stepOfPayload({})).toBe(0);
    expect(stepOfPayload({ phone: "+33600000000" })).toBe(CHECKOUT_STEPS.indexOf("contact"));
    expect(stepOfPayload({ email: "a@b.c", shippingAddress: { address1: "1 Main St" } })).toBe(CHECKOUT_STEPS.indexOf("address"));
    expect(stepOfPayload({ email: "a@b.c", shippingAddress: {}, shippingLines: [{ title: "Standard" }] })).toBe(CHECKOUT_STEPS.indexOf("shipping"));
    expect(stepOfPayload({ email: "a@b.c", shippingLines: [], gateway: "shopify_payments" })).toBe(CHECKOUT_STEPS.indexOf("payment"));
  });

  it("maps Shopify's checkouts/create sample (email and shipping address, no method, no gateway) to the address step", () => {
    const { checkout } = toCheckoutRows(CheckoutPayloadSchema.parse(fixture("checkouts/create")), null, new Date());
    expect(CHECKOUT_STEPS[checkout.stepReached]).toBe("address");
  });

  it("builds the funnel: reached counts what got at least that far, drop-off is stopped ÷ reached", () => {
    // 6 checkouts: one stopped before contact, one at contact, two at address (one recovered
    // later, still a stop), one at shipping, one completed (counted at payment).
    const funnel = stepFunnel([
      { step: 0, started: 1, stopped: 1, abandoned: 0, noContact: 1 },
      { step: 1, started: 1, stopped: 1, abandoned: 1, noContact: 0 },
      { step: 2, started: 2, stopped: 2, abandoned: 2, noContact: 0 },
      { step: 3, started: 1, stopped: 1, abandoned: 1, noContact: 0 },
      { step: 4, started: 1, stopped: 0, abandoned: 0, noContact: 0 },
    ]);
    expect(funnel.map((s) => [CHECKOUT_STEPS[s.step], s.reached, s.stopped, s.dropOff])).toEqual([
      ["started", 6, 1, 1 / 6],
      ["contact", 5, 1, 1 / 5],
      ["address", 4, 2, 2 / 4],
      ["shipping", 2, 1, 1 / 2],
      ["payment", 1, 0, 0],
    ]);
    expect(stepFunnel([]).every((s) => s.reached === 0 && s.dropOff === null)).toBe(true);
  });

  it("marks each standard pixel step event with its step, and nothing else", () => {
    const [text] = render(pixelStepSql(raw("name")));
    expect(text).toContain("WHEN 'checkout_shipping_info_submitted' THEN 3");
    expect(text).toContain("WHEN 'payment_info_submitted' THEN 4");
    expect(text).not.toContain("checkout_completed");
    expect(Object.keys(PIXEL_STEP_EVENTS)).toHaveLength(CHECKOUT_STEPS.length);
  });
});
