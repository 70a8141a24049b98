import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { check } from "@shopify/theme-check-node";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { blockDefaults, EXTENSION_DIR, renderBlock } from "#test/liquid-theme";

const summary = {
  count: 2,
  average: "4.5",
  histogram: [0, 0, 0, 1, 1],
  reviews: [
    { id: "12", author: "Eve <script>", rating: 5, title: "<b>Great</b>", body: 'Loved it <img src=x onerror="alert(1)">\nTwice', verified: true, date: "2026-11-01" },
    { id: "11", author: "Sam", rating: 4, title: null, body: "Good", verified: false, date: "2026-10-01" },
  ],
};
const product = { id: 7000, title: 'Mug "XL"', url: "/products/mug", metafields: { "$app:reviews": { summary: { value: summary } }, reviews: { rating: { value: { rating: 4.5 } }, rating_count: { value: 2 } } } };
const config = {
  badges: { payment: ["visa", "paypal"], guarantees: ["free_shipping", "easy_returns"], text: "Ships from <Lyon>" },
  loyalty: { enabled: true, pointsPerUnit: 1, signupBonus: 100, reviewBonus: 50, redeemPointsPerUnit: 100, minRedeemPoints: 500, currency: "EUR", tiers: [] },
  reviews: { allowGuests: false },
};
const app = { metafields: { storefront: { config: { value: config } } } };

describe("theme app extension", () => {
  it("passes Shopify's theme check for app extensions with no offense", async () => {
    const offenses = await check(EXTENSION_DIR);
    expect(offenses.map((o) => `${o.check} ${o.uri.split("/").slice(-2).join("/")}:${o.start.line} ${o.message}`)).toEqual([]);
  });

  it("stays inside Shopify's limits: ≤ 30 blocks, ≤ 100 KB of Liquid, JS and CSS ≤ 10 KB compressed, valid JSON locales", () => {
    const blocks = readdirSync(path.join(EXTENSION_DIR, "blocks"));
    expect(blocks.length).toBeLessThanOrEqual(30);
    const liquid = [...blocks.map((b) => path.join("blocks", b)), ...readdirSync(path.join(EXTENSION_DIR, "snippets")).map((s) => path.join("snippets", s))];
    expect(liquid.reduce((n, f) => n + readFileSync(path.join(EXTENSION_DIR, f)).length, 0)).toBeLessThan(100_000);
    for (const asset of ["journey.js", "journey.css"]) expect(gzipSync(readFileSync(path.join(EXTENSION_DIR, "assets", asset)), { level: 9 }).length).toBeLessThan(10_240);
    for (const file of readdirSync(path.join(EXTENSION_DIR, "locales"))) expect(() => JSON.parse(readFileSync(path.join(EXTENSION_DIR, "locales", file), "utf8"))).not.toThrow();
  });

  it("has the same translation keys in English and French", () => {
    const keys = (file: string) => {
      const flat = (o: Record<string, unknown>, p = ""): string[] => Object.entries(o).flatMap(([k, v]) => (typeof v === "object" && v ? flat(v as Record<string, unknown>, `${p}${k}.`) : [`${p}${k}`]));
      return flat(JSON.parse(readFileSync(path.join(EXTENSION_DIR, "locales", file), "utf8"))).sort();
    };
    expect(keys("fr.json")).toEqual(keys("en.default.json"));
    expect(keys("fr.schema.json")).toEqual(keys("en.default.schema.json"));
  });
});

/** WCAG relative luminance of #rrggbb, and the contrast ratio of two colours. */
const luminance = (hex: string) => {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
};
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};

describe("star rating input and stars", () => {
  it("lists the radios 1…5 in DOM order (Tab lands on 1 star, ArrowRight goes up), not reversed on screen", async () => {
    const html = await renderBlock("product-reviews", blockDefaults("product-reviews"), { product, app, customer: { id: 1, first_name: "Jon" } });
    expect([...html.matchAll(/<input type="radio"[^>]*value="(\d)"/g)].map((m) => m[1])).toEqual(["1", "2", "3", "4", "5"]);
    const css = readFileSync(path.join(EXTENSION_DIR, "assets", "journey.css"), "utf8");
    expect(css).not.toMatch(/row-reverse/);
  });

  it("draws empty and filled stars that stand out from the page at 3:1 (WCAG 1.4.11), on white and on black", () => {
    const css = readFileSync(path.join(EXTENSION_DIR, "assets", "journey.css"), "utf8");
    const image = (name: string) => new RegExp(`--journey-star-${name}:url\\("([^"]+)"\\)`).exec(css)![1]!;
    const empty = decodeURIComponent(image("empty"));
    const full = decodeURIComponent(image("full"));
    // An empty star is an outline: its inside is the page, so "filled vs empty" is the fill against the page.
    expect(empty).toMatch(/fill='none'/);
    const outline = /stroke='(#[0-9a-f]{6})'/.exec(empty)![1]!;
    const fill = /fill='(#[0-9a-f]{6})'/.exec(full)![1]!;
    for (const page of ["#ffffff", "#000000"]) {
      expect(contrast(outline, page)).toBeGreaterThanOrEqual(3);
      expect(contrast(fill, page)).toBeGreaterThanOrEqual(3);
    }
    // Both the read-only stars and the input use these two images, nothing else.
    expect(css).not.toMatch(/#c4c4c4/);
  });
});

describe("blocks rendered from app-owned metafields", () => {
  it("product reviews: aggregate, escaped review text, verified badge and AggregateRating JSON-LD", async () => {
    const html = await renderBlock("product-reviews", blockDefaults("product-reviews"), { product, app, customer: { id: 1, first_name: "Jon" } });
    expect(html).toContain("4.5 out of 5, based on 2 reviews");
    expect(await renderBlock("rating-stars", {}, { product })).toContain("(2)");
    expect(html).toContain("Eve &lt;script&gt;");
    expect(html).toContain("&lt;b&gt;Great&lt;/b&gt;");
    expect(html).toMatch(/Loved it &lt;img src=x onerror=(&quot;|&#34;)alert\(1\)(&quot;|&#34;)&gt;<br \/>/);
    expect(html).not.toMatch(/<script>|<img src=x|<b>Great/);
    expect(html.match(/Verified buyer/g)).toHaveLength(1 + 1); // one badge, one data-msg attribute
    const ld = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)![1]!);
    expect(ld).toMatchObject({ "@type": "Product", name: 'Mug "XL"', aggregateRating: { "@type": "AggregateRating", ratingValue: "4.5", reviewCount: 2 } });
    expect(html).toContain('action="/apps/journey/reviews/7000"');
    expect(html).toContain('value="Jon"');
  });

  it("product reviews in French: the locale's decimal comma, singular and plural star labels; JSON-LD keeps 4.5", async () => {
    const fr = await renderBlock("product-reviews", blockDefaults("product-reviews"), { product, app, customer: { id: 1, first_name: "Jon" } }, "fr");
    expect(fr).toContain("4,5 sur 5, d'après 2 avis");
    expect(fr).toContain('aria-label="4,5 sur 5 étoiles"');
    expect(fr).not.toMatch(/4\.5 sur 5/);
    expect([...fr.matchAll(/<label for="[^"]+" title="([^"]+)"/g)].map((m) => m[1])).toEqual(["1 étoile", "2 étoiles", "3 étoiles", "4 étoiles", "5 étoiles"]);
    expect(JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(fr)![1]!).aggregateRating.ratingValue).toBe("4.5");
    const en = await renderBlock("product-reviews", blockDefaults("product-reviews"), { product, app, customer: { id: 1, first_name: "Jon" } });
    expect([...en.matchAll(/<label for="[^"]+" title="([^"]+)"/g)].map((m) => m[1])).toEqual(["1 star", "2 stars", "3 stars", "4 stars", "5 stars"]);
    expect(en).toContain('aria-label="4.5 out of 5 stars"');
  });

  it("product reviews without reviews: no rating markup; guests are asked to sign in", async () => {
    const html = await renderBlock("product-reviews", blockDefaults("product-reviews"), { product: { ...product, metafields: {} }, app });
    expect(html).toContain("No reviews yet");
    expect(html).not.toContain("ld+json");
    expect(html).toContain('href="/account/login"');
    expect(html).not.toContain("<form");
  });

  it("trust badges: the merchant's payment icons and guarantees, escaped text, device targeting", async () => {
    const html = await renderBlock("trust-badges", { ...blockDefaults("trust-badges"), devices: "mobile" }, { app });
    expect(html).toContain("journey-device--mobile");
    expect(html).toContain("<title id=\"pi-visa\">visa</title>");
    expect(html).toContain("<title id=\"pi-paypal\">paypal</title>");
    expect(html).not.toContain("pi-master");
    expect(html).toContain("Free shipping");
    expect(html).toContain("Easy returns");
    expect(html).toContain("Ships from &lt;Lyon&gt;");
  });

  it("loyalty: the signed-in customer's balance from the customer metafield; guests get the teaser; French too", async () => {
    const customer = { id: 9, first_name: "Ann", metafields: { "$app:loyalty": { points: { value: { balance: 1234, pending: 50, tier: "Gold" } } } } };
    const html = await renderBlock("loyalty-points", {}, { app, customer });
    expect(html).toMatch(/data-balance>1234</);
    expect(html).toContain("50 more points on the way");
    expect(html).toContain("Tier: Gold");
    expect(html).toContain(`data-msg-sources="Order|Refund|Order cancelled|Account created|Product review|Discount code|Points returned|Expired|Adjustment"`);
    const guest = await renderBlock("loyalty-points", {}, { app });
    expect(guest).toContain("Earn points on every order");
    expect(guest).toContain("100 points for creating an account");
    expect(guest).not.toContain("data-balance");
    expect(html).toContain(">Rewards</h2>");
    expect(await renderBlock("loyalty-points", { heading: "Club <Mug>" }, { app, customer })).toContain(">Club &lt;Mug&gt;</h2>");
    const fr = await renderBlock("loyalty-points", {}, { app, customer }, "fr");
    expect(fr).toContain("Niveau : Gold");
  });

  it("loyalty switched off: nothing for guests or members (no teaser, no 'not enough points'); the theme editor says why", async () => {
    const off = { metafields: { storefront: { config: { value: { ...config, loyalty: { ...config.loyalty, enabled: false } } } } } };
    const customer = { id: 9, first_name: "Ann", metafields: { "$app:loyalty": { points: { value: { balance: 1234, pending: 0, tier: null } } } } };
    for (const ctx of [{ app: off }, { app: off, customer }, { app: { metafields: {} }, customer }]) {
      const html = await renderBlock("loyalty-points", {}, ctx);
      expect(html.trim()).toBe("");
    }
    expect(await renderBlock("loyalty-points", {}, { app: off, request: { design_mode: true } })).toContain("The loyalty program is switched off in the app");
  });
});
