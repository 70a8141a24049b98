import { describe, expect, it } from "vitest";
import { en } from "~/i18n/en";
import { fr } from "~/i18n/fr";

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
      "home.backfillPhase", "timeline.orderPlaced", "timeline.stageChanged", "timeline.pointsEarned", "timeline.pointsSpent",
    ]);
    const copied = [...english].filter(([key, text]) => french.get(key) === text && /[a-z]{4,}/.test(text)).map(([key]) => key);
    expect(copied.filter((key) => !sameInFrench.has(key))).toEqual([]);
  });
});
