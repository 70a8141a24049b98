/**
 * A deterministic year of store activity for the demo shop, as Shopify webhook deliveries built
 * from Shopify's own sample bodies (tests/support/fixtures/webhooks): only values change, never
 * field names. Same seed, same deliveries (and webhook ids), so re-seeding is a no-op.
 *
 * Shape: customers sign up through the year; order counts per customer follow a long tail (about
 * half buy once); every order comes from a completed checkout; more checkouts are abandoned, some
 * recovered days later; a few orders are refunded or cancelled; some buyers are guests.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseJsonLossless } from "../../app/lib/json";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type DemoDelivery = { topic: string; webhookId: string; triggeredAt: string; body: Json };

const FIXTURES = path.resolve(import.meta.dirname, "../../tests/support/fixtures/webhooks");
const sample = (topic: string): Json => parseJsonLossless(readFileSync(path.join(FIXTURES, `${topic.replace("/", "_")}.json`), "utf8")) as Json;

/** mulberry32: small, fast, seeded. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ["Ava", "Noah", "Mia", "Liam", "Zoe", "Ethan", "Lea", "Hugo", "Emma", "Lucas", "Chloe", "Jules", "Nina", "Omar", "Ines", "Sam"];
const LAST = ["Martin", "Bernard", "Smith", "Garcia", "Dubois", "Nguyen", "Khan", "Rossi", "Moreau", "Brown", "Lopez", "Fischer"];
const PRODUCTS = [
  { id: 7101, title: "Merino wool beanie", price: "32.00" },
  { id: 7102, title: "Trail running socks", price: "18.00" },
  { id: 7103, title: "Insulated water bottle", price: "39.00" },
  { id: 7104, title: "Packable rain jacket", price: "129.00" },
  { id: 7105, title: "Camp mug", price: "22.00" },
  { id: 7106, title: "Headlamp", price: "45.00" },
  { id: 7107, title: "Dry bag 20L", price: "36.00" },
  { id: 7108, title: "Hiking poles", price: "89.00" },
];
const LANDINGS = ["/", "/collections/all", "/products/packable-rain-jacket", "/products/headlamp?utm_source=newsletter", "/blogs/trail-guides"];
const REFERRERS = [null, "https://www.google.com/", "https://www.instagram.com/", "https://www.facebook.com/", "https://duckduckgo.com/"];
const SOURCES = ["web", "web", "web", "iphone", "android"];

const iso = (ms: number) => new Date(ms).toISOString();
const money = (amount: string, currency = "USD") => ({ shop_money: { amount, currency_code: currency }, presentment_money: { amount, currency_code: currency } });
const dec = (n: number) => n.toFixed(2);

export type DemoOptions = { seed?: number; customers?: number; now?: Date; shop?: string };

export function buildDemoDeliveries(opts: DemoOptions = {}): DemoDelivery[] {
  const rand = prng(opts.seed ?? 20261124);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const now = (opts.now ?? new Date()).getTime();
  const yearAgo = now - 365 * 86_400_000;
  const orderSample = sample("orders/create");
  const checkoutSample = sample("checkouts/create");
  const customerSample = sample("customers/create");
  const refundSample = sample("refunds/create");
  const deliveries: DemoDelivery[] = [];
  let seq = 0;
  const add = (topic: string, at: number, body: Json) => deliveries.push({ topic, webhookId: `demo-${opts.seed ?? 20261124}-${++seq}`, triggeredAt: iso(at), body });
  let nextOrderId = 5_100_000_000;
  let nextCheckout = 9_300_000_000;

  const lines = (count: number) =>
    Array.from({ length: count }, () => ({ product: pick(PRODUCTS), quantity: rand() < 0.8 ? 1 : 2 }));

  // How far each buyer got in checkout (abandonment by step), from its own generator so the rest
  // of the data stays as it was. Contact details come first in Shopify's checkout.
  const stepRand = prng((opts.seed ?? 20261124) + 1);
  const shippingLine = (orderSample.shipping_lines as Json[])[0]!;
  const progress = (email: string | null): Json => {
    const r = stepRand();
    if (!email || r < 0.3) return { shipping_address: null };
    if (r < 0.65) return {}; // the sample's shipping address, no method yet
    return r < 0.9 ? { shipping_lines: [shippingLine] } : { shipping_lines: [shippingLine], gateway: "shopify_payments" };
  };

  const checkoutBody = (token: string, at: number, items: ReturnType<typeof lines>, customer: Json | null, email: string | null) => {
    const subtotal = items.reduce((s, li) => s + Number(li.product.price) * li.quantity, 0);
    const tax = Math.round(subtotal * 6) / 100;
    return {
      ...checkoutSample,
      ...progress(email),
      token,
      cart_token: `cart-${token}`,
      name: `#${nextCheckout++}`,
      email,
      phone: null,
      created_at: iso(at),
      updated_at: iso(at),
      completed_at: null,
      landing_site: pick(LANDINGS),
      referring_site: pick(REFERRERS),
      source_name: pick(SOURCES),
      subtotal_price: dec(subtotal),
      total_line_items_price: dec(subtotal),
      total_tax: dec(tax),
      total_price: dec(subtotal + tax),
      line_items: items.map((li, i) => ({
        ...checkoutSample.line_items[0],
        key: `${token}-${i}`,
        product_id: li.product.id,
        variant_id: li.product.id * 10,
        title: li.product.title,
        presentment_title: li.product.title,
        variant_title: null,
        sku: `SKU-${li.product.id}`,
        quantity: li.quantity,
        price: li.product.price,
        line_price: dec(Number(li.product.price) * li.quantity),
      })),
      customer,
    };
  };

  const orderBody = (id: number, at: number, items: ReturnType<typeof lines>, customer: Json | null, email: string | null, checkoutToken: string, status: Json) => {
    const subtotal = items.reduce((s, li) => s + Number(li.product.price) * li.quantity, 0);
    const discount = rand() < 0.2 ? Math.round(subtotal * 10) / 100 : 0;
    const net = subtotal - discount;
    const shipping = net > 75 ? 0 : 6.5;
    const tax = Math.round(net * 6) / 100;
    return {
      ...orderSample,
      id,
      admin_graphql_api_id: `gid://shopify/Order/${id}`,
      name: `#${1000 + (id - 5_100_000_000)}`,
      order_number: 1000 + (id - 5_100_000_000),
      number: id - 5_100_000_000,
      email,
      contact_email: email,
      created_at: iso(at),
      processed_at: iso(at),
      updated_at: iso(status.updatedAt ?? at),
      cancelled_at: status.cancelledAt ? iso(status.cancelledAt) : null,
      cancel_reason: status.cancelledAt ? "customer" : null,
      financial_status: status.financial,
      fulfillment_status: status.fulfillment ?? null,
      test: false,
      checkout_token: checkoutToken,
      cart_token: `cart-${checkoutToken}`,
      source_name: "web",
      landing_site: pick(LANDINGS),
      referring_site: pick(REFERRERS),
      tags: "",
      total_line_items_price: dec(subtotal),
      total_line_items_price_set: money(dec(subtotal)),
      total_discounts: dec(discount),
      total_discounts_set: money(dec(discount)),
      subtotal_price: dec(net),
      subtotal_price_set: money(dec(net)),
      current_subtotal_price: dec(net),
      current_subtotal_price_set: money(dec(net)),
      total_tax: dec(tax),
      total_tax_set: money(dec(tax)),
      total_shipping_price_set: money(dec(shipping)),
      total_price: dec(net + tax + shipping),
      total_price_set: money(dec(net + tax + shipping)),
      current_total_price: dec(net + tax + shipping),
      current_total_price_set: money(dec(net + tax + shipping)),
      line_items: items.map((li, i) => ({
        ...orderSample.line_items[0],
        id: id * 10 + i,
        admin_graphql_api_id: `gid://shopify/LineItem/${id * 10 + i}`,
        product_id: li.product.id,
        variant_id: li.product.id * 10,
        title: li.product.title,
        name: li.product.title,
        sku: `SKU-${li.product.id}`,
        quantity: li.quantity,
        price: li.product.price,
        price_set: money(li.product.price),
        total_discount: "0.00",
        total_discount_set: money("0.00"),
        discount_allocations: [],
      })),
      fulfillments: status.fulfillment === "fulfilled" ? [{ ...((orderSample.fulfillments as Json[])[0] ?? {}), created_at: iso(status.updatedAt ?? at), status: "success" }] : [],
      refunds: [],
      customer,
      // The sample's shipping line at this order's price: what loyalty's shipping toggle earns on.
      shipping_lines: shipping ? [{ ...shippingLine, price: dec(shipping), price_set: money(dec(shipping)), discounted_price: dec(shipping), discounted_price_set: money(dec(shipping)), current_discounted_price_set: money(dec(shipping)) }] : [],
    };
  };

  const customerCount = opts.customers ?? 1200;
  for (let c = 0; c < customerCount; c++) {
    const customerId = 6_200_000_000 + c;
    const first = pick(FIRST);
    const last = pick(LAST);
    const email = `${first}.${last}.${c}@example.com`.toLowerCase();
    const signup = yearAgo + rand() ** 0.8 * (now - yearAgo) * 0.95;
    const customer = {
      ...customerSample,
      id: customerId,
      admin_graphql_api_id: `gid://shopify/Customer/${customerId}`,
      email,
      first_name: first,
      last_name: last,
      phone: null,
      note: null,
      state: "enabled",
      created_at: iso(signup),
      updated_at: iso(signup),
      default_address: { ...customerSample.default_address, id: customerId + 1, customer_id: customerId, first_name: first, last_name: last, name: `${first} ${last}` },
    };
    add("customers/create", signup, customer);
    const embedded = { ...orderSample.customer, id: customerId, admin_graphql_api_id: `gid://shopify/Customer/${customerId}`, email, first_name: first, last_name: last };

    // Long tail: ~45% one order, a few loyal buyers with many; ~15% never buy.
    const r = rand();
    const orders = r < 0.15 ? 0 : r < 0.6 ? 1 : r < 0.8 ? 2 : r < 0.9 ? 3 : 4 + Math.floor(rand() * 9);
    let t = signup + rand() * 3 * 86_400_000;
    for (let o = 0; o < orders && t < now - 3_600_000; o++) {
      const items = lines(1 + Math.floor(rand() * 3));
      const token = `demo${nextCheckout}`;
      const checkout = checkoutBody(token, t, items, embedded, email);
      add("checkouts/create", t, checkout);
      const abandonedFirst = rand() < 0.12; // completed only days later: a recovered checkout
      const orderAt = abandonedFirst ? t + (1 + rand() * 4) * 86_400_000 : t + (5 + rand() * 20) * 60_000;
      if (orderAt >= now) break;
      const id = nextOrderId++;
      const refunded = rand() < 0.06;
      const cancelled = !refunded && rand() < 0.02;
      const fulfilledAt = orderAt + (1 + rand() * 3) * 86_400_000;
      const status = cancelled
        ? { financial: "voided", cancelledAt: orderAt + 3_600_000, updatedAt: orderAt + 3_600_000 }
        : { financial: "paid", fulfillment: fulfilledAt < now ? "fulfilled" : null, updatedAt: fulfilledAt < now ? fulfilledAt : orderAt };
      const created = orderBody(id, orderAt, items, embedded, email, token, { financial: cancelled ? "pending" : "paid", updatedAt: orderAt });
      add("orders/create", orderAt, created);
      add("checkouts/update", orderAt, { ...checkout, completed_at: iso(orderAt), updated_at: iso(orderAt) });
      if (cancelled) add("orders/cancelled", status.cancelledAt!, orderBody(id, orderAt, items, embedded, email, token, status));
      else if (status.fulfillment) add("orders/fulfilled", fulfilledAt, orderBody(id, orderAt, items, embedded, email, token, status));
      if (refunded && fulfilledAt + 86_400_000 < now) {
        const amount = items[0]!.product.price;
        const refundId = id * 3;
        add("refunds/create", fulfilledAt + 86_400_000, {
          ...refundSample,
          id: refundId,
          admin_graphql_api_id: `gid://shopify/Refund/${refundId}`,
          order_id: id,
          created_at: iso(fulfilledAt + 86_400_000),
          processed_at: iso(fulfilledAt + 86_400_000),
          refund_line_items: [{ ...refundSample.refund_line_items[0], subtotal: Number(amount), subtotal_set: money(amount), total_tax: 0, total_tax_set: money("0.00") }],
          transactions: [{ ...refundSample.transactions[0], order_id: id, amount, kind: "refund", status: "success" }],
        });
      }
      t = orderAt + (10 + rand() ** 2 * 120) * 86_400_000;
    }
    // Abandoned checkouts that never convert, from buyers and from browsers who left an email.
    const abandoned = rand() < 0.55 ? 1 + Math.floor(rand() * 3) : 0;
    for (let a = 0; a < abandoned; a++) {
      const at = signup + rand() * (now - signup);
      add("checkouts/create", at, checkoutBody(`demo${nextCheckout}`, at, lines(1 + Math.floor(rand() * 2)), embedded, email));
    }
  }
  // Guest checkouts: some never reach contact information, some buy as guests.
  for (let g = 0; g < customerCount * 2; g++) {
    const at = yearAgo + rand() * (now - yearAgo - 3_600_000);
    const email = rand() < 0.5 ? `guest${g}@example.net` : null;
    const items = lines(1);
    const token = `demo${nextCheckout}`;
    const checkout = checkoutBody(token, at, items, null, email);
    add("checkouts/create", at, checkout);
    if (email && rand() < 0.35) {
      const orderAt = at + 12 * 60_000;
      add("orders/create", orderAt, orderBody(nextOrderId++, orderAt, items, null, email, token, { financial: "paid" }));
      add("checkouts/update", orderAt, { ...checkout, completed_at: iso(orderAt), updated_at: iso(orderAt) });
    }
  }
  const privacyAt = now - 2 * 86_400_000;
  add("customers/data_request", privacyAt, {
    ...sample("customers/data_request"),
    shop_domain: opts.shop ?? "demo-journey.myshopify.com",
    customer: { id: 6_200_000_003, email: deliveries.find((d) => d.body.id === 6_200_000_003)?.body.email ?? null, phone: null },
    orders_requested: [],
  });
  return deliveries.sort((a, b) => a.triggeredAt.localeCompare(b.triggeredAt));
}

export type DemoReview = { customerId: string; productId: number; rating: number; title: string; body: string; requestKey: string };

const REVIEW_TEXTS: Record<number, { title: string; body: string }[]> = {
  5: [
    { title: "Exactly what I needed", body: "Held up on a wet week in the hills. Would buy again." },
    { title: "Great quality", body: "Well made and lighter than it looks. Fast delivery too." },
  ],
  4: [{ title: "Very good", body: "Does the job well. Sizing runs a little small." }],
  3: [{ title: "It's fine", body: "Works as described, nothing special for the price." }],
  2: [{ title: "Not for me", body: "Started to wear after a few trips." }],
  1: [{ title: "Disappointed", body: "Broke on the first outing. Support was helpful, though." }],
};

/**
 * What some shoppers write through the storefront review form, derived from the deliveries:
 * about one fulfilled order in four gets a review of its first product by its signed-in buyer
 * (verified: published without moderation by default), and one in forty a review of a product
 * the buyer never ordered (unverified: waits for moderation). Deterministic; the request keys
 * make a re-run a no-op.
 */
export function buildDemoReviews(deliveries: DemoDelivery[], seed = 20261124): DemoReview[] {
  const rand = prng(seed + 1);
  const reviews: DemoReview[] = [];
  const seen = new Set<string>();
  const write = (customerId: string, productId: number, orderId: string) => {
    if (seen.has(`${customerId}:${productId}`)) return;
    seen.add(`${customerId}:${productId}`);
    const roll = rand();
    const rating = roll < 0.55 ? 5 : roll < 0.8 ? 4 : roll < 0.9 ? 3 : roll < 0.95 ? 2 : 1;
    const texts = REVIEW_TEXTS[rating]!;
    reviews.push({ customerId, productId, rating, ...texts[Math.floor(rand() * texts.length)]!, requestKey: `demo-review-${orderId}-${productId}` });
  };
  for (const d of deliveries) {
    if (d.topic !== "orders/fulfilled" || !d.body.customer) continue;
    const customerId = String(d.body.customer.id);
    const roll = rand();
    if (roll < 0.25) write(customerId, d.body.line_items[0].product_id, String(d.body.id));
    else if (roll < 0.275) {
      const bought = new Set((d.body.line_items as Json[]).map((li) => li.product_id));
      const other = PRODUCTS.find((p) => !bought.has(p.id));
      if (other) write(customerId, other.id, String(d.body.id));
    }
  }
  return reviews;
}
