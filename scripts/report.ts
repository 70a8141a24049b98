/**
 * `npm run report -- <report> --shop <domain> [--json | --csv]`: the analytics reports for support
 * staff and operators, read from the same materialized tables (and facades) as the admin pages.
 *
 *   segments [--segment <id|name>] [--from D --to D]
 *       segments (size, 7-day change, sync), RFM groups, the journey funnel; with --segment,
 *       that segment's members (--csv streams every member).
 *   abandonment [--from YYYY-MM-DD --to YYYY-MM-DD]      (default: the last 30 shop days)
 *       KPIs with denominators, both recovery attributions, breakdowns, top products;
 *       --csv: the daily trend.
 *   customer <email | name | #order>
 *       why the customer is where they are: facts, RFM values/edges/cell next to Shopify's group,
 *       stage and reason, each segment's rule with the conditions that hold, the timeline.
 *
 * Uses DATABASE_URL, or the embedded Postgres of `npm run demo` when unset. Exit codes: 0 ok,
 * 1 not found, 2 usage.
 */
import { prepareRuntime } from "../app/lib/runtime.server";

const args = process.argv.slice(2);
const has = (flag: string) => args.includes(flag);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const out = (text: string) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
const USAGE = "usage: npm run report -- segments|abandonment|customer <query> --shop <domain> [--json|--csv] [--from YYYY-MM-DD --to YYYY-MM-DD] [--segment <id|name>]";

const report = args[0];
const shop = option("--shop");
if (!report || !["segments", "abandonment", "customer"].includes(report) || !shop || (report === "customer" && !args[1])) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
const format: "json" | "csv" | "text" = has("--json") ? "json" : has("--csv") ? "csv" : "text";
if (/\s/.test(shop)) {
  process.stderr.write("--shop takes the shop's myshopify domain\n");
  process.exit(2);
}
// The report never calls Shopify: when no app credentials are configured, the local demo values
// satisfy the app's environment check.
if (!process.env.SHOPIFY_API_KEY) process.env.DEMO_MODE ??= "1";
process.env.LOG_LEVEL ??= "warn";

const runtime = await prepareRuntime("worker", (m) => process.stderr.write(`${m}\n`));
const { translator } = await import("../app/i18n/i18n");
const { formatMoney, fromMinor } = await import("../app/lib/money");
const { disconnectDb } = await import("../app/db.server");
const t = translator("en");
const tr = (key: string, vars?: Record<string, string | number>) => t.t(key as Parameters<typeof t.t>[0], vars);

/** JSON with bigints as strings and dates as ISO text. */
const json = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
const csvCell = (v: unknown) => {
  const text = v === null || v === undefined ? "" : v instanceof Date ? v.toISOString() : String(v);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};
const csv = (rows: unknown[][]) => rows.map((r) => r.map(csvCell).join(",")).join("\n");
const pct = (r: number | null) => (r === null ? "-" : `${(r * 100).toFixed(1)}%`);
const pad = (s: string | number, n: number) => String(s).padEnd(n);

async function range() {
  const { defaultRange } = await import("../app/domains/abandonment/abandonment.server");
  const fallback = await defaultRange(shop!);
  const from = option("--from") ?? fallback.from;
  const to = option("--to") ?? fallback.to;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to) || from > to) {
    process.stderr.write("--from and --to are dates YYYY-MM-DD, from <= to\n");
    process.exit(2);
  }
  return { from, to };
}

async function segmentsReport(): Promise<number> {
  const { exportSegmentMembersCsv, getSegment, listRfmGroups, listSegmentMembers, listSegments } = await import("../app/domains/segments/segments.server");
  const { getJourneyFunnel } = await import("../app/domains/journey/journey.server");
  const { describeRule } = await import("../app/domains/segments/rules");
  const segments = await listSegments(shop!);
  const wanted = option("--segment");
  if (wanted) {
    const match = segments.find((s) => s.id.toString() === wanted || s.name.toLowerCase() === wanted.toLowerCase());
    if (!match) {
      process.stderr.write(`no segment ${wanted} in ${shop}\n`);
      return 1;
    }
    if (format === "csv") {
      for await (const chunk of exportSegmentMembersCsv(shop!, match.id)) process.stdout.write(chunk);
      return 0;
    }
    const detail = await getSegment(shop!, match.id);
    const members = await listSegmentMembers(shop!, match.id, { sort: "amountSpent", limit: 50 });
    if (format === "json") return out(json({ segment: detail, topMembers: members?.members })), 0;
    out(`${detail!.name} (#${detail!.id}, rule v${detail!.ruleVersion}): ${detail!.memberCount} members, ${detail!.change7d >= 0 ? "+" : ""}${detail!.change7d} in 7 days`);
    out(`rule: ${describeRule(detail!.rule, tr)}`);
    out(`sync: ${tr(`analytics.sync.${detail!.sync.mode}`)}${detail!.sync.tag ? ` "${detail!.sync.tag}"` : ""}, ${tr(`analytics.sync.${detail!.sync.status}`)} (${detail!.sync.syncedMembers} written)`);
    out("\ntop members by amount spent:");
    for (const m of members?.members ?? []) out(`  ${pad(m.email ?? m.customerGid, 40)} ${pad(formatMoney(m.amountSpentMinor, m.currency ?? "USD"), 14)} ${pad(tr(`analytics.rfmGroups.${m.rfmGroup}`), 22)} ${tr(`analytics.stages.${m.stage}`)}`);
    return 0;
  }
  const [groups, funnel] = await Promise.all([listRfmGroups(shop!), getJourneyFunnel(shop!, await range())]);
  if (format === "json") return out(json({ shop, segments, rfmGroups: groups, funnel })), 0;
  if (format === "csv") {
    out(csv([["segment_id", "name", "members", "change_7d", "sync_mode", "sync_status", "synced_members"], ...segments.map((s) => [s.id, s.name, s.memberCount, s.change7d, s.sync.mode, s.sync.status, s.sync.syncedMembers])]));
    return 0;
  }
  out(`Segments of ${shop}`);
  if (!segments.length) out("  (none yet)");
  for (const s of segments) out(`  #${pad(s.id.toString(), 5)} ${pad(s.name, 32)} ${pad(s.memberCount, 8)} ${pad(`${s.change7d >= 0 ? "+" : ""}${s.change7d} / 7d`, 12)} ${tr(`analytics.sync.${s.sync.mode}`)}`);
  out("\nRFM groups");
  for (const g of groups) out(`  ${pad(tr(`analytics.rfmGroups.${g.group}`), 22)} ${pad(g.customers, 8)} ${g.cell ? `R ${g.cell.r.join("-")}, F ${g.cell.f.join("-")}` : ""}`);
  out("\nJourney funnel");
  for (const f of funnel) out(`  ${pad(tr(`analytics.stages.${f.stage}`), 16)} ${pad(f.customers, 8)} ${f.conversion ? `→ next ${pct(f.conversion.rate)} (${f.conversion.advanced} of ${f.conversion.base})` : ""}`);
  return 0;
}

async function abandonmentReport(): Promise<number> {
  const { getAbandonmentBreakdown, getAbandonmentKpis, getAbandonmentTrend, getTopAbandonedProducts } = await import("../app/domains/abandonment/abandonment.server");
  const r = await range();
  if (format === "csv") {
    const trend = await getAbandonmentTrend(shop!, r);
    out(csv([["day", "started", "abandoned", "rate", "recovered_link", "recovered_window", "recovered_link_revenue", "recovered_window_revenue"], ...trend.map((d) => [d.day, d.started, d.abandoned, d.rate === null ? "" : d.rate.toFixed(4), d.recoveredLink, d.recoveredWindow, fromMinor(d.recoveredLinkMinor, "USD"), fromMinor(d.recoveredWindowMinor, "USD")])]));
    return 0;
  }
  const [kpis, devices, channels, sources, landing, products] = await Promise.all([
    getAbandonmentKpis(shop!, r),
    getAbandonmentBreakdown(shop!, r, "device"),
    getAbandonmentBreakdown(shop!, r, "channel"),
    getAbandonmentBreakdown(shop!, r, "source", 10),
    getAbandonmentBreakdown(shop!, r, "landingPage", 10),
    getTopAbandonedProducts(shop!, r, 10),
  ]);
  if (format === "json") return out(json({ shop, kpis, breakdowns: { device: devices, channel: channels, source: sources, landingPage: landing }, topProducts: products })), 0;
  const cur = kpis.recovered.shopCurrency ?? "USD";
  out(`Checkout abandonment, ${shop}, ${r.from} to ${r.to} (${tr("analytics.abandonment.definition", { minutes: kpis.settings.thresholdMinutes })})`);
  out(`  ${pad(tr("analytics.abandonment.started"), 36)} ${kpis.started}`);
  out(`  ${pad(tr("analytics.abandonment.withContact"), 36)} ${kpis.withContact}`);
  out(`  ${pad(tr("analytics.abandonment.completed"), 36)} ${kpis.completed}`);
  out(`  ${pad(tr("analytics.abandonment.abandoned"), 36)} ${kpis.abandoned}`);
  out(`  ${pad(tr("analytics.abandonment.noContact"), 36)} ${kpis.noContact}`);
  out(`  ${pad(tr("analytics.abandonment.open"), 36)} ${kpis.open}`);
  out(`  ${pad(tr("analytics.abandonment.rate"), 36)} ${tr("analytics.abandonment.rateWithDenominator", { rate: pct(kpis.abandonmentRate.rate), abandoned: kpis.abandoned, started: kpis.started })}`);
  out(`  ${pad(tr("analytics.abandonment.abandonedValue"), 36)} ${kpis.abandonedValue.map((v) => formatMoney(v.minor, v.currency)).join(" + ") || "-"}`);
  out(`  ${pad(tr("analytics.abandonment.recoveredLink"), 36)} ${kpis.recovered.link.checkouts} (${pct(kpis.recovered.link.rate)}), ${formatMoney(kpis.recovered.link.revenueMinor, cur)}`);
  out(`  ${pad(tr("analytics.abandonment.recoveredWindow", { days: kpis.recovered.window.days }), 36)} ${kpis.recovered.window.checkouts} (${pct(kpis.recovered.window.rate)}), ${formatMoney(kpis.recovered.window.revenueMinor, cur)}`);
  out(`  ${pad(tr("analytics.abandonment.medianTimeToRecover"), 36)} ${kpis.recovered.medianMinutesToRecover === null ? "-" : `${(kpis.recovered.medianMinutesToRecover / 60).toFixed(1)} h`}`);
  out(`  ${tr("analytics.abandonment.currencyNote")}`);
  for (const [label, rows] of [["device", devices], ["channel", channels], ["source", sources], ["landingPage", landing]] as const) {
    out(`\n  by ${tr(`analytics.abandonment.dimensions.${label}`).toLowerCase()}`);
    for (const b of rows) out(`    ${pad(label === "device" ? tr(`analytics.abandonment.devices.${b.value}`) : b.value, 40)} ${pad(`${b.abandoned}/${b.started}`, 12)} ${pct(b.rate)}`);
  }
  out(`\n  ${tr("analytics.abandonment.topProducts")}`);
  for (const p of products) out(`    ${pad(p.title, 40)} ${pad(`${p.checkouts} checkouts`, 16)} ${formatMoney(p.valueMinor, p.currency)}`);
  return 0;
}

async function customerReport(): Promise<number> {
  const { explainCustomer, searchCustomers } = await import("../app/domains/segments/profiles.server");
  const { getCustomerTimeline } = await import("../app/domains/journey/journey.server");
  const { describeRule } = await import("../app/domains/segments/rules");
  const query = args[1]!;
  const hits = await searchCustomers(shop!, query, 5);
  if (!hits.length) {
    process.stderr.write(`no customer matching ${query} in ${shop}\n`);
    return 1;
  }
  const hit = hits[0]!;
  const [explained, timeline] = await Promise.all([explainCustomer(shop!, hit.customerGid), getCustomerTimeline(shop!, hit.customerGid, 50)]);
  if (!explained) return 1;
  if (format === "json") return out(json({ shop, otherMatches: hits.slice(1), customer: explained, timeline })), 0;
  if (format === "csv") {
    out(csv([["at", "event", "ref", "detail"], ...timeline.map((e) => [e.at, e.kind, e.ref, JSON.stringify(e.detail)])]));
    return 0;
  }
  const cur = explained.facts.currency ?? "USD";
  const money = (minor: bigint) => formatMoney(minor, cur);
  const rfm = explained.rfm;
  out(`${explained.displayName ?? "(no name)"} <${explained.email ?? "no email"}>  ${explained.customerGid}`);
  if (hits.length > 1) out(`  (${hits.length - 1} other match(es): ${hits.slice(1).map((h) => h.email ?? h.customerGid).join(", ")})`);
  out(`\nRFM group: ${tr(`analytics.rfmGroups.${rfm.group}`)} (rules v${rfm.rulesVersion})`);
  if (!rfm.scored) out(`  ${tr("analytics.rfm.noOrders")}`);
  else {
    const days = rfm.snapshot?.lookbackDays ?? 365;
    out(`  R ${rfm.scores.r}: ${tr("analytics.rfm.daysSinceLastOrder", { days: rfm.values.recencyDays ?? "-" })} (last order ${rfm.values.lastOrderDate})`);
    out(`  F ${rfm.scores.f}: ${tr("analytics.rfm.ordersInWindow", { count: rfm.values.windowOrders, days })}`);
    out(`  M ${rfm.scores.m}: ${tr("analytics.rfm.spentInWindow", { amount: money(rfm.values.windowSpentMinor), days })}`);
    if (rfm.edges && rfm.modes) {
      out(`  edges (R by ${tr(`analytics.rfm.modes.${rfm.modes.recency}`)}, F by ${tr(`analytics.rfm.modes.${rfm.modes.frequency}`)}, M by ${tr(`analytics.rfm.modes.${rfm.modes.monetary}`)}):`);
      out(`    R: ${rfm.edges.recencyDays.map((b) => `${b.score}: ${b.minDays}-${b.maxDays ?? "∞"} days`).join(" | ")}`);
      out(`    F: ${rfm.edges.frequency.map((b) => `${b.score}: ${b.min}-${b.max ?? "∞"}`).join(" | ")}`);
      out(`    M: ${rfm.edges.monetaryMinor.map((b) => `${b.score}: ${money(b.min)}-${b.max === null ? "∞" : money(b.max)}`).join(" | ")}`);
    }
    if (rfm.cell) out(`  ${tr("analytics.rfm.cell", { r: rfm.scores.r ?? "-", f: rfm.scores.f ?? "-", group: tr(`analytics.rfmGroups.${rfm.group}`) })} (grid: R ${rfm.cell.r.join("-")}, F ${rfm.cell.f.join("-")})`);
  }
  const sg = rfm.shopify;
  out(`  ${sg.group ? (sg.agrees ? tr("analytics.rfm.shopifyAgrees", { group: tr(`analytics.shopifyRfmGroups.${sg.group}`) }) : tr("analytics.rfm.shopifyDiffers", { group: tr(`analytics.shopifyRfmGroups.${sg.group}`), closest: tr(`analytics.shopifyRfmGroups.${sg.closestToOurs}`) })) : tr("analytics.rfm.shopifyUnknown")}`);
  out(`\nJourney stage: ${tr(`analytics.stages.${explained.stage.stage}`)} since ${explained.stage.since.toISOString().slice(0, 10)} (rules v${explained.stage.rulesVersion})`);
  out(`  why: ${tr(`analytics.stageReasons.${explained.stage.reason}`)}`);
  const f = explained.facts;
  out(`\nFacts: ${f.ordersCount} qualifying orders, ${money(f.amountSpentMinor)} spent (avg ${money(f.averageOrderMinor)}), ${f.abandonedCheckoutsCount} abandoned checkouts, ${f.pointsBalance} points, reviewed: ${f.hasReviewed ? "yes" : "no"}, tags: ${f.tags.join(", ") || "-"}`);
  for (const o of explained.orders.slice(0, 10)) {
    out(`  ${pad(o.name ?? o.orderGid, 12)} ${o.processedAt.toISOString().slice(0, 10)} ${pad(formatMoney(o.subtotalMinor - o.refundedMinor, o.currency), 14)} ${o.excludedBecause ? `does not count: ${tr(`analytics.orderExclusions.${o.excludedBecause}`)}` : "counts"}`);
  }
  out(`\nSegments (${explained.segments.length})`);
  for (const s of explained.segments) {
    out(`  ${s.name} (rule v${s.ruleVersion}), since ${s.enteredAt.toISOString().slice(0, 10)}`);
    out(`    rule: ${describeRule(s.rule, tr)}`);
    for (const c of s.conditions) out(`    ${c.holds ? "✓" : "✗"} ${describeRule(c.condition, tr)}`);
    if (s.factsAtEntry) out(`    facts when entering: ${json(s.factsAtEntry).replace(/\s+/g, " ")}`);
  }
  out("\nTimeline (newest first)");
  for (const e of timeline.slice(0, 25)) out(`  ${e.at.toISOString().slice(0, 16).replace("T", " ")}  ${pad(tr(`analytics.timeline.${e.kind}`), 38)} ${timelineDetail(e)}`);
  return 0;
}

function timelineDetail(e: { kind: string; ref: string | null; detail: Record<string, unknown> }): string {
  const d = e.detail;
  switch (e.kind) {
    case "STAGE_CHANGED":
      return `${d.from ? tr(`analytics.stages.${d.from}`) : "-"} → ${tr(`analytics.stages.${d.to}`)}`;
    case "SEGMENT_ENTERED":
    case "SEGMENT_EXITED":
      return String(d.segment ?? "");
    case "ORDER_PLACED":
      return `${d.name ?? e.ref} ${formatMoney(BigInt(String(d.totalMinor ?? 0)), String(d.currency ?? "USD"))}`;
    case "CHECKOUT_STARTED":
    case "CHECKOUT_ABANDONED":
      return `${formatMoney(BigInt(String(d.valueMinor ?? 0)), String(d.currency ?? "USD"))}`;
    case "POINTS":
      return `${Number(d.points) > 0 ? "+" : ""}${d.points} (${d.source})`;
    default:
      return e.ref ?? "";
  }
}

let code = 2;
try {
  code = report === "segments" ? await segmentsReport() : report === "abandonment" ? await abandonmentReport() : await customerReport();
} catch (error) {
  process.stderr.write(`report failed: ${error instanceof Error ? error.message : String(error)}\n`);
  code = 3;
} finally {
  await disconnectDb();
  await runtime.shutdown();
}
process.exit(code);
