import { describe, expect, it } from "vitest";
import { en } from "~/i18n/en";
import { fr } from "~/i18n/fr";
import { translate, type MessageKey } from "~/i18n/i18n";

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ""): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === "string" ? [[`${prefix}${k}`, v] as [string, string]] : leaves(v, `${prefix}${k}.`)));
}

describe("admin messages", () => {
  const english = new Map(leaves(en.admin as unknown as Tree));
  const french = new Map(leaves(fr.admin as unknown as Tree));

  it("has every English key in French, with the same placeholders", () => {
    for (const [key, text] of english) {
      expect(french.has(key), key).toBe(true);
      const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(vars(french.get(key)!), key).toEqual(vars(text));
    }
  });

  it("is translated, not copied (only words French spells the same stay equal)", () => {
    const sameInFrench = new Set([
      "nav.segments", "segments.title", "segments.singular", "segments.plural", "segments.name", "home.segmentsTitle", "customer.segmentsTitle",
      "rfmGroups.CHAMPIONS", "rfmGroups.PROSPECTS", "shopifyRfmGroups.CHAMPIONS", "shopifyRfmGroups.PROSPECTS", "rule.operator", "customer.dimension", "customer.score", "settings.minutes",
      // placeholders and symbols only
      "home.backfillPhase", "timeline.orderPlaced", "timeline.stageChanged", "timeline.pointsEarned.one", "timeline.pointsEarned.other", "timeline.pointsSpent.one", "timeline.pointsSpent.other",
    ]);
    const copied = [...english].filter(([key, text]) => french.get(key) === text && /[a-z]{4,}/.test(text)).map(([key]) => key);
    expect(copied.filter((key) => !sameInFrench.has(key))).toEqual([]);
  });
});

describe("plural messages", () => {
  it("picks the form by the count, per language, and formats the count", () => {
    const days = { days: 365 };
    expect(translate("en", "admin.customer.ordersInWindow", { count: 1, ...days })).toBe("1 order in 365 days");
    expect(translate("en", "admin.customer.ordersInWindow", { count: 0, ...days })).toBe("0 orders in 365 days");
    expect(translate("en", "admin.customer.ordersInWindow", { count: 1200, ...days })).toBe("1,200 orders in 365 days");
    // French uses the singular for 0 and 1.
    expect(translate("fr", "admin.customer.ordersInWindow", { count: 0, ...days })).toBe("0 commande en 365 jours");
    expect(translate("fr", "admin.customer.ordersInWindow", { count: 1, ...days })).toBe("1 commande en 365 jours");
    expect(translate("fr", "admin.customer.ordersInWindow", { count: 2, ...days })).toBe("2 commandes en 365 jours");
    expect(translate("fr", "admin.customer.ordersInWindow", { count: 1_000_000, ...days })).toBe(`${new Intl.NumberFormat("fr").format(1_000_000)} commandes en 365 jours`);
  });

  it("falls back to the plural form when no numeric count is given", () => {
    expect(translate("en", "admin.segments.form.fixErrors", { count: "3" })).toBe("Fix 3 problems to save this segment");
    expect(translate("en", "admin.segments.form.fixErrors", { count: 1 })).toBe("Fix 1 problem to save this segment");
  });

  it("gives every plural message both forms in both languages", () => {
    const plurals = (tree: Tree, prefix = ""): string[] =>
      Object.entries(tree).flatMap(([k, v]) => (typeof v === "string" ? [] : typeof v.one === "string" && typeof v.other === "string" ? [`${prefix}${k}`] : plurals(v, `${prefix}${k}.`)));
    const english = plurals(en as unknown as Tree);
    expect(english.length).toBeGreaterThan(5);
    expect(plurals(fr as unknown as Tree)).toEqual(english);
    for (const key of english) {
      for (const locale of ["en", "fr"] as const) expect(translate(locale, key as MessageKey, { count: 1 }), `${locale} ${key}`).not.toBe(translate(locale, key as MessageKey, { count: 2 }));
    }
  });
});
