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
 * 1 not found (the shop, the segment or the customer), 2 usage, 3 failure.
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
const { fromMinor } = await import("../app/lib/money");
const { csvCell } = await import("../app/lib/csv");
const { disconnectDb } = await import("../app/db.server");
const { getShop } = await import("../app/domains/shops/shops.server");
const { describeCondition, describeFacts, describeRule, describeSync } = await import("../app/components/segments/describe");
const { breakdownValue, recoveryTime } = await import("../app/components/abandonment/abandonment-text");
// The admin pages' words and the shop's wall clock, so what support staff read matches what the
// merchant sees.
const shopRow = await getShop(shop);
const t = translator("en", shopRow?.ianaTimezone ?? "UTC");
const tr = (key: string, vars?: Record<string, string | number>) => t.t(key as Parameters<typeof t.t>[0], vars);
const shopCurrency = shopRow?.currency ?? null;

/** JSON with bigints as strings and dates as ISO text. */
const json = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
const csv = (rows: unknown[][]) => rows.map((r) => r.map(csvCell).join(",")).join("\n");
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
  const { parseSettings } = await import("../app/domains/shops/settings");
  const { rfmGroupRows } = await import("../app/components/customers/rfm-text");
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
    out(`${tr("admin.segments.rule")}: ${describeRule(detail!.rule, t, shopCurrency)}`);
    out(`sync: ${describeSync(detail!.sync.mode, detail!.sync.status, t.t)}${detail!.sync.tag ? ` "${detail!.sync.tag}"` : ""} (${detail!.sync.syncedMembers} written)`);
    out("\ntop members by amount spent:");
    for (const m of members?.members ?? []) out(`  ${pad(m.email ?? m.customerGid, 40)} ${pad(t.money(m.amountSpentMinor, m.currency ?? "USD"), 14)} ${pad(tr(`admin.rfmGroups.${m.rfmGroup}`), 22)} ${tr(`admin.stages.${m.stage}`)}`);
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
  for (const s of segments) out(`  #${pad(s.id.toString(), 5)} ${pad(s.name, 32)} ${pad(s.memberCount, 8)} ${pad(`${s.change7d >= 0 ? "+" : ""}${s.change7d} / 7d`, 12)} ${describeSync(s.sync.mode, s.sync.status, t.t)}`);
  // The segments page's group table, in its words.
  const { lookbackDays } = parseSettings(shopRow?.settings).rfm;
  out(`\n${tr("admin.segments.rfm.title")}`);
  out(`  ${pad(tr("admin.segments.rfm.group"), 22)} ${pad(tr("admin.segments.rfm.scores"), 22)} ${pad(tr("admin.segments.rfm.customers"), 10)} ${pad(tr("admin.segments.rfm.share"), 8)} ${tr("admin.segments.rfm.spent", { days: lookbackDays })}`);
  for (const g of rfmGroupRows(groups, t, shopCurrency ?? "USD")) out(`  ${pad(g.name, 22)} ${pad(g.cell, 22)} ${pad(g.customers, 10)} ${pad(g.share, 8)} ${g.spent}`);
  out(`\n${tr("admin.funnel.title")}`);
  for (const f of funnel) out(`  ${pad(tr(`admin.stages.${f.stage}`), 16)} ${pad(f.customers, 8)} ${f.conversion ? `→ ${tr("admin.funnel.movedOn", { rate: t.percent(f.conversion.rate), advanced: f.conversion.advanced, base: f.conversion.base })}` : ""}`);
  return 0;
}

async function abandonmentReport(): Promise<number> {
  const { getAbandonmentBreakdown, getAbandonmentKpis, getAbandonmentTrend, getStepFunnels, getTopAbandonedProducts } = await import("../app/domains/abandonment/abandonment.server");
  const { CHECKOUT_STEPS } = await import("../app/domains/abandonment/abandonment");
  const r = await range();
  if (format === "csv") {
    const trend = await getAbandonmentTrend(shop!, r);
    // imported_abandoned: the history import's abandoned checkouts, outside started, abandoned and the rate.
    out(csv([["day", "started", "abandoned", "rate", "imported_abandoned", "recovered_link", "recovered_window", "recovered_link_revenue", "recovered_window_revenue"], ...trend.map((d) => [d.day, d.started, d.abandoned, d.rate === null ? "" : d.rate.toFixed(4), d.importedAbandoned, d.recoveredLink, d.recoveredWindow, fromMinor(d.recoveredLinkMinor, shopCurrency ?? "USD"), fromMinor(d.recoveredWindowMinor, shopCurrency ?? "USD")])]));
    return 0;
  }
  const [kpis, [steps], devices, channels, sources, landing, products] = await Promise.all([
    getAbandonmentKpis(shop!, r),
    getStepFunnels(shop!, r, "all"),
    getAbandonmentBreakdown(shop!, r, "device"),
    getAbandonmentBreakdown(shop!, r, "channel"),
    getAbandonmentBreakdown(shop!, r, "source", 10),
    getAbandonmentBreakdown(shop!, r, "landingPage", 10),
    getTopAbandonedProducts(shop!, r, 10),
  ]);
  if (format === "json") return out(json({ shop, kpis, steps: steps?.steps.map((s) => ({ ...s, step: CHECKOUT_STEPS[s.step] })) ?? [], breakdowns: { device: devices, channel: channels, source: sources, landingPage: landing }, topProducts: products })), 0;
  const cur = kpis.recovered.shopCurrency ?? "USD";
  const line = (label: string, value: string) => out(`  ${pad(label, 36)} ${value}`);
  const recovered = (r: { checkouts: number; rate: number | null; revenueMinor: bigint }) =>
    `${t.money(r.revenueMinor, cur)} (${tr("admin.abandonment.recoveredDetail", { count: r.checkouts, rate: t.percent(r.rate) })})`;
  out(`${tr("admin.abandonment.title")}, ${shop}, ${r.from} to ${r.to}`);
  out(`  ${tr("admin.abandonment.subtitle", { minutes: kpis.settings.thresholdMinutes })}`);
  out(`  ${tr("admin.abandonment.funnelLine", { started: kpis.started, contact: kpis.withContact, completed: kpis.completed, open: kpis.open, noContact: kpis.noContact })}`);
  if (kpis.imported.abandoned) out(`  ${tr("admin.abandonment.importedLine", { count: kpis.imported.abandoned })}`);
  const importedDetail = kpis.imported.abandoned ? ` · ${tr("admin.abandonment.importedDetail", { count: kpis.imported.abandoned })}` : "";
  line(tr("admin.abandonment.rate"), `${t.percent(kpis.abandonmentRate.rate)} · ${tr("admin.abandonment.rateDetail", { abandoned: kpis.abandoned, count: kpis.started })}${importedDetail}`);
  line(tr("admin.abandonment.abandonedValue"), `${kpis.abandonedValue.map((v) => t.money(v.minor, v.currency)).join(" + ") || "–"} (${tr("admin.abandonment.checkoutCurrency")})`);
  line(tr("admin.abandonment.recoveredLink"), recovered(kpis.recovered.link));
  line(tr("admin.abandonment.recoveredWindow", { days: kpis.recovered.window.days }), recovered(kpis.recovered.window));
  if (kpis.recovered.medianMinutesToRecover !== null) out(`  ${tr("admin.abandonment.median", { time: recoveryTime(Math.round(kpis.recovered.medianMinutesToRecover), t.t) })}`);
  if (steps) {
    out(`\n  ${tr("admin.abandonment.steps.title")}: ${tr("admin.abandonment.steps.stopped").toLowerCase()} / ${tr("admin.abandonment.steps.reached").toLowerCase()}`);
    for (const s of steps.steps) out(`    ${pad(tr(`admin.abandonment.steps.names.${CHECKOUT_STEPS[s.step]!}`), 40)} ${pad(`${s.stopped}/${s.reached}`, 12)} ${t.percent(s.dropOff)}`);
  }
  for (const [dimension, rows] of [["device", devices], ["channel", channels], ["source", sources], ["landingPage", landing]] as const) {
    out(`\n  ${tr(`admin.abandonment.dimensions.${dimension}`)}: ${tr("admin.abandonment.abandoned").toLowerCase()} / ${tr("admin.abandonment.started").toLowerCase()}`);
    for (const b of rows) out(`    ${pad(breakdownValue(dimension, b.value, t.t), 40)} ${pad(`${b.abandoned}/${b.started}`, 12)} ${t.percent(b.rate)}`);
  }
  out(`\n  ${tr("admin.abandonment.productsTitle")}`);
  for (const p of products) out(`    ${pad(p.title, 40)} ${pad(`${p.checkouts} checkouts`, 16)} ${t.money(p.valueMinor, p.currency)}`);
  return 0;
}

async function customerReport(): Promise<number> {
  const { explainCustomer, searchCustomers } = await import("../app/domains/segments/profiles.server");
  const { getCustomerTimeline } = await import("../app/domains/journey/journey.server");
  const { explanationView } = await import("../app/components/customers/explanation-view");
  const { rfmCellText, rfmEdges, rfmModesText, rfmRows, shopifyGroupText } = await import("../app/components/customers/rfm-text");
  const { orderCountsText } = await import("../app/components/customers/order-text");
  const { timelineDetail, timelineTitle } = await import("../app/components/customers/timeline-text");
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
  // The same view and sentences as the customer page.
  const c = explanationView(explained);
  const cur = c.facts.currency ?? shopCurrency;
  const rfm = c.rfm;
  out(`${c.displayName ?? "(no name)"} <${c.email ?? "no email"}>  ${c.customerGid}`);
  if (hits.length > 1) out(`  (${hits.length - 1} other match(es): ${hits.slice(1).map((h) => h.email ?? h.customerGid).join(", ")})`);
  out(`\n${tr("admin.customer.rfmTitle")}: ${tr(`admin.rfmGroups.${rfm.group}`)}`);
  if (!rfm.scored) out(`  ${tr("admin.customer.prospect")}`);
  else {
    const money = rfm.values.currency ?? cur ?? "USD";
    for (const row of rfmRows(rfm, t, money)) out(`  ${pad(row.dimension, 10)} ${pad(row.value, 34)} ${tr("admin.customer.score")} ${row.score}  (${row.band})`);
    for (const text of [rfmCellText(rfm, t), rfmModesText(rfm, t)]) if (text) out(`  ${text}`);
    for (const edge of rfmEdges(rfm, t, money)) if (edge.bands.length) out(`    ${pad(edge.dimension, 10)} ${edge.bands.join(" | ")}`);
  }
  out(`  ${shopifyGroupText(rfm, t)}`);
  out(`\n${tr("admin.customer.stageTitle")}: ${tr(`admin.stages.${c.stage.stage}`)}`);
  out(`  ${tr(`admin.stageReasons.${c.stage.reason}`)}`);
  out(`  ${tr("admin.customer.stageSince", { at: t.date(c.stage.since), version: c.stage.rulesVersion })}`);
  const f = c.facts;
  const money = (minor: string) => (cur ? t.money(minor, cur) : minor);
  out(`\nFacts: ${t.number(f.ordersCount)} qualifying orders, ${money(f.amountSpentMinor)} spent (avg ${money(f.averageOrderMinor)}), ${t.number(f.abandonedCheckoutsCount)} abandoned checkouts, ${t.number(f.pointsBalance)} points, reviewed: ${f.hasReviewed ? "yes" : "no"}, tags: ${f.tags.join(", ") || "–"}`);
  out(`\n${tr("admin.customer.ordersTitle")}`);
  // The net figure M and amount spent count (facts.ts), as on the customer page.
  for (const o of c.orders.slice(0, 10)) out(`  ${pad(o.name ?? o.orderGid, 12)} ${pad(t.date(o.processedAt, "date"), 14)} ${pad(t.money(o.netMinor, o.currency), 14)} ${orderCountsText(o, tr)}`);
  out(`\n${tr("admin.customer.segmentsTitle")} (${c.segments.length})`);
  for (const s of c.segments) {
    out(`  ${s.name}: ${tr("admin.why.entered", { at: t.date(s.enteredAt), version: s.ruleVersion })}`);
    for (const cond of s.conditions) out(`    ${cond.holds ? "✓" : "✗"} ${describeCondition(cond.condition, t, cur)}`);
    const facts = describeFacts(s.factsAtEntry, t, cur);
    if (facts.length) out(`    ${tr("admin.why.factsAtEntry")}: ${facts.join("; ")}`);
  }
  out(`\n${tr("admin.customer.timelineTitle")} (newest first)`);
  for (const e of timeline.slice(0, 25)) out(`  ${pad(t.date(e.at), 24)} ${pad(timelineTitle(e.kind, t.t), 20)} ${timelineDetail(e, t, cur)}`);
  return 0;
}

let code = 2;
try {
  // A mistyped domain would otherwise read as a shop with nothing in it.
  if (!shopRow) {
    process.stderr.write(`no shop ${shop} in this database\n`);
    code = 1;
  } else code = report === "segments" ? await segmentsReport() : report === "abandonment" ? await abandonmentReport() : await customerReport();
} catch (error) {
  process.stderr.write(`report failed: ${error instanceof Error ? error.message : String(error)}\n`);
  code = 3;
} finally {
  await disconnectDb();
  await runtime.shutdown();
}
process.exit(code);
