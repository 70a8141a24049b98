/**
 * Data access for abandonment: per-checkout outcomes, window attribution and the daily tables.
 * The SQL expressions come from abandonment.ts; every statement takes a scope ("all" or a list of
 * checkout tokens / buyer keys), so the nightly recompute and the minute sweep run the same code.
 */
import { db, type Db } from "~/db.server";
import { empty, localDateOf, raw, render, sql, utc, type Sql } from "~/lib/sql";
import {
  BREAKDOWN_DIMENSIONS,
  buyerKeySql,
  classifySql,
  completedLateSql,
  dimensionSql,
  PIXEL_STEP_EVENT_LIST,
  pixelStepSql,
  STEP_SPLIT_DIMENSIONS,
  stepReachedSql,
  trackedChannelSql,
} from "~/domains/abandonment/abandonment";
import { qualifyingOrderSql, refundedSql } from "~/domains/segments/facts";

type Scope = "all" | string[];

const q = <T = Record<string, unknown>>(tx: Db, fragment: Sql) => tx.$queryRawUnsafe<T[]>(...render(fragment));
const x = (tx: Db, fragment: Sql) => tx.$executeRawUnsafe(...render(fragment));

function scoped(column: string, scope: Scope): Sql {
  return scope === "all" ? empty : sql` AND ${raw(column)} = ANY(${scope}::text[])`;
}

export async function inShopTransaction<T>(shop: string, fn: (tx: Db) => Promise<T>, timeoutMs = 300_000): Promise<T> {
  return db().$transaction(
    async (tx) => {
      // One abandonment writer per shop at a time (sweep, nightly): they touch the same day rows.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`abandonment:${shop}`}, 0))`;
      await tx.$executeRawUnsafe(`SET LOCAL work_mem = '64MB'`);
      // JIT compiles our wide CASE expressions for seconds once row estimates grow; the queries
      // themselves take less. Off for these transactions.
      await tx.$executeRawUnsafe(`SET LOCAL jit = off`);
      // As for the segments recompute: a merge join sorted the shop's million orders on disk to
      // match them with abandoned checkouts by buyer (seconds); hashing the checkouts is cheaper.
      await tx.$executeRawUnsafe(`SET LOCAL enable_mergejoin = off`);
      return fn(tx);
    },
    { timeout: timeoutMs, maxWait: 30_000 },
  );
}

export async function getSweepState(shop: string, tx: Db = db()) {
  return tx.abandonmentSweepState.findUnique({ where: { shop } });
}

export async function saveSweepState(tx: Db, shop: string, data: { changesSince: Date; configKey: string; lastSweepAt: Date }) {
  await tx.abandonmentSweepState.upsert({ where: { shop }, create: { shop, ...data }, update: data });
}

/**
 * From when the next sweep must look for changed rows, read before this sweep looks at any: the
 * start of the oldest transaction open in the database now (this one included), in the database's
 * clock, less a millisecond (updatedAt rounds the writer's now() to the millisecond).
 *
 * Why not the largest id seen, or this sweep's own start: ids are taken at insert and timestamps
 * at transaction start, but rows become visible at commit, in another order. A delivery slower to
 * commit than the next one (a lock wait, eight concurrent workers) is invisible to a sweep that
 * already sees rows with larger ids and later times. Every Checkout, Order and Refund writer stamps
 * updatedAt (Refund: createdAt) with now(), its transaction's start, and any transaction this sweep
 * cannot see is either open now (started at or after the oldest open one) or starts later, so its
 * rows are at or after the horizon: the next sweep sees them, none is left for the nightly run.
 * A long transaction anywhere (a dump, a nightly run) only makes the next sweeps read more.
 *
 * pg_stat_activity hides other roles' sessions from a role without pg_read_all_stats (their state
 * reads null): if any is there, 15 minutes back is assumed for them.
 */
export async function changeHorizon(tx: Db): Promise<Date> {
  const [row] = await q<{ at: Date }>(
    tx,
    raw(`SELECT (LEAST(statement_timestamp(), min(xact_start),
        CASE WHEN bool_or(state IS NULL) THEN statement_timestamp() - interval '15 minutes' END) AT TIME ZONE 'UTC') - interval '1 millisecond' AS at
      FROM pg_stat_activity WHERE datname = current_database() AND (backend_type = 'client backend' OR backend_type IS NULL)`),
  );
  return row!.at;
}

/**
 * Checkouts the sweep must look at: those written since `since` (new, updated, completed), the
 * checkouts of the orders written since then or refunded since then (a recovery by link needs a
 * qualifying order: orders/paid, a cancellation or a full refund changes it), every still-OPEN
 * one, and everything started in the last week (pixel steps). Plus the buyers of those orders
 * (window attribution).
 */
export async function sweepCandidates(tx: Db, shop: string, since: Date, recentDay: string) {
  const buyer = buyerKeySql(raw("o.email"), raw('o."customerGid"'));
  const rows = await q<{ token: string | null; buyer: string | null }>(
    tx,
    sql`SELECT token, NULL AS buyer FROM "Checkout" WHERE shop = ${shop} AND "updatedAt" >= ${utc(since)}
    UNION SELECT o."checkoutToken", ${buyer} FROM "Order" o WHERE o.shop = ${shop} AND o."updatedAt" >= ${utc(since)}
    UNION SELECT o."checkoutToken", ${buyer} FROM "Refund" r JOIN "Order" o ON o.shop = r.shop AND o."orderGid" = r."orderGid"
      WHERE r.shop = ${shop} AND r."createdAt" >= ${utc(since)}
    UNION SELECT token, NULL FROM "CheckoutOutcome" WHERE shop = ${shop} AND (status = 'OPEN' OR day >= ${recentDay}::date)`,
  );
  const tokens = new Set<string>();
  const buyers = new Set<string>();
  for (const r of rows) {
    if (r.token) tokens.add(r.token);
    if (r.buyer) buyers.add(r.buyer);
  }
  return { tokens: [...tokens], buyers: [...buyers] };
}

/** `shopCurrency`: the unit of recovered revenue (order totals are shop money). */
export type ClassifyParams = { thresholdMinutes: number; asOf: Date; timezone: string; shopCurrency: string | null };

/**
 * Re-derives the outcome of every checkout in scope from the Checkout row, its order and the
 * outcome already stored (which remembers the last activity seen before completion). Rows that
 * did not change are not rewritten. Returns the days, customers and buyers whose figures may
 * have moved (old and new values).
 */
export async function classifyOutcomes(tx: Db, shop: string, tokens: Scope, p: ClassifyParams) {
  // Inactivity starts at the last update while the checkout was open (its open payloads' latest
  // updated_at, whenever they arrived: an update and the completion delivered between two sweeps
  // are judged against each other, not against what the last sweep saw). Once counted abandoned,
  // that moment is frozen from what we remembered (a late update of an abandoned checkout does
  // not un-abandon it; its completion recovers it). Completed without an open payload seen (the
  // history import), or before the column existed: what the sweep remembered, else its creation.
  const activity = sql`(CASE
      WHEN prev.status IN ('ABANDONED', 'RECOVERED') THEN prev."lastActivityAt"
      WHEN c."completedAt" IS NULL THEN COALESCE(c."lastOpenActivityAt", c."sourceUpdatedAt")
      ELSE COALESCE(c."lastOpenActivityAt", prev."lastActivityAt", c."shopifyCreatedAt") END)`;
  const cls = classifySql(
    { lastActivityAt: raw("a.activity"), completedAt: raw('a."completedAt"'), hasContact: raw('a."hasContact"'), recoveryQualifies: raw("(ro.qualifies IS TRUE)"),
      tracked: trackedChannelSql({ sourceName: raw('a."sourceName"'), deviceId: raw('a."deviceId"') }),
    },
    p.thresholdMinutes,
    p.asOf,
  );
  const completedLate = completedLateSql({ lastActivityAt: raw("a.activity"), completedAt: raw('a."completedAt"') }, p.thresholdMinutes);
  const refunds = refundedSql("o", shop, "lookup");
  const dims = dimensionSql({ sourceName: raw('b."sourceName"'), landingSite: raw('b."landingSite"'), referringSite: raw('b."referringSite"') });
  const cols = [
    "checkoutRowId",
    "startedAt",
    "day",
    "customerGid",
    "buyerKey",
    "hasContact",
    "stepReached",
    "currency",
    "valueMinor",
    "lastActivityAt",
    "completedAt",
    "orderGid",
    "status",
    "abandonedAt",
    "recoveredAt",
    "recoveredOrderGid",
    "recoveredMinor",
    "shopCurrency",
    "channel",
    "source",
    "landingPage",
    "device",
    "imported",
    "thresholdMinutes",
  ];
  const list = cols.map((c) => `"${c}"`).join(", ");
  const excluded = cols.map((c) => `EXCLUDED."${c}"`).join(", ");
  // The stored outcome's values ride along as stored_<column>, compared with the fresh ones in todo.
  const stored = (alias: string) => cols.map((c) => `${alias}."stored_${c}"`).join(", ");
  const fresh = cols.map((c) => `n."${c}"`).join(", ");
  // A checkout's landing page, referrer and channel never change: its dimensions are derived
  // (four regular expressions) the first time it is seen and reused after.
  const dim = (name: "channel" | "source" | "landingPage" | "device") => sql`CASE WHEN b.prev_token IS NULL THEN ${dims[name]} ELSE b."p_${raw(name)}" END`;
  return q<{ day: Date; oldDay: Date | null; customerGid: string | null; oldCustomerGid: string | null; buyerKey: string | null; oldBuyerKey: string | null; status: string | null; oldStatus: string | null; n: bigint | number }>(
    tx,
    sql`WITH px AS (
      -- The furthest step the web pixel saw for each checkout (abandonment by step).
      SELECT "checkoutToken" AS token, max(${pixelStepSql(raw("name"))}) AS step FROM "PixelEvent"
      WHERE shop = ${shop} AND "checkoutToken" IS NOT NULL AND name IN (${PIXEL_STEP_EVENT_LIST}) ${scoped('"checkoutToken"', tokens)}
      GROUP BY 1
    ), a AS (
      SELECT c.id, c.token, c."shopifyCreatedAt", c."customerGid", c.email, c."hasContact", c."stepReached" AS payload_step, px.step AS pixel_step,
        c.currency, c."totalMinor",
        c."sourceUpdatedAt", c."completedAt", c."orderGid", c."sourceName", c."landingSite", c."referringSite", c."deviceId", c.imported,
        ${activity} AS activity, prev.token AS prev_token, prev.day AS old_day, prev."customerGid" AS old_customer, prev."buyerKey" AS old_buyer, prev.status AS old_status,
        prev.channel AS "p_channel", prev.source AS "p_source", prev."landingPage" AS "p_landingPage", prev.device AS "p_device",
        ${raw(cols.map((c) => `prev."${c}" AS "stored_${c}"`).join(", "))}
      FROM "Checkout" c LEFT JOIN "CheckoutOutcome" prev ON prev.shop = c.shop AND prev.token = c.token
        LEFT JOIN px ON px.token = c.token
      WHERE c.shop = ${shop} ${scoped("c.token", tokens)}
    ), b AS (
      -- A checkout completed after its deadline recovers only through a qualifying order (the
      -- rule window attribution applies): its order is read for that and for its total, one index
      -- lookup each, and no other checkout's (a whole shop has a million orders; OFFSET 0 keeps
      -- the planner from turning the lookup into a join with all of them).
      -- OFFSET 0: the classification computed once per row, not pasted into each use of status.
      SELECT a.*, ${cls.status} AS status, ${cls.abandonedAt} AS abandoned_at, ro."totalMinor" AS recovery_minor
      FROM a LEFT JOIN LATERAL (
        SELECT o."totalMinor", ${qualifyingOrderSql("o", refunds.value)} AS qualifies FROM "Order" o ${refunds.join}
        WHERE ${completedLate} AND o.shop = ${shop} AND o."orderGid" = a."orderGid" OFFSET 0
      ) ro ON true
      OFFSET 0
    ), n AS (
      SELECT b.token, ${raw(stored("b"))}, b.old_day, b.old_customer, b.old_buyer, b.old_status,
        b.id AS "checkoutRowId", b."shopifyCreatedAt" AS "startedAt", ${localDateOf(raw('b."shopifyCreatedAt"'), p.timezone)} AS day,
        b."customerGid", ${buyerKeySql(raw("b.email"), raw('b."customerGid"'))} AS "buyerKey",
        (b."hasContact" OR b."completedAt" IS NOT NULL) AS "hasContact",
        ${stepReachedSql({ status: raw("b.status"), storedStatus: raw("b.old_status"), storedStep: raw('b."stored_stepReached"'), payloadStep: raw("b.payload_step"), pixelStep: raw("b.pixel_step"), hasContact: raw('b."hasContact"') })} AS "stepReached",
        b.currency, b."totalMinor" AS "valueMinor",
        b.activity AS "lastActivityAt", b."completedAt", b."orderGid", b.status, b.abandoned_at AS "abandonedAt",
        CASE WHEN b.status = 'RECOVERED' THEN b."completedAt" END AS "recoveredAt",
        CASE WHEN b.status = 'RECOVERED' THEN b."orderGid" END AS "recoveredOrderGid",
        CASE WHEN b.status = 'RECOVERED' THEN b.recovery_minor END AS "recoveredMinor",
        ${p.shopCurrency}::text AS "shopCurrency",
        ${dim("channel")} AS channel, ${dim("source")} AS source, ${dim("landingPage")} AS "landingPage", ${dim("device")} AS device,
        b.imported, ${p.thresholdMinutes}::int AS "thresholdMinutes"
      FROM b
      -- OFFSET 0 keeps n a subquery that computes each row once: flattened into todo, every
      -- expression above (four regular expressions, the time zone, the classification) ran twice,
      -- once for the comparison with the stored row and once more for the row written.
      OFFSET 0
    ), todo AS (
      -- Only new or changed outcomes go through the upsert (a nightly rerun writes nothing).
      -- Column by column (both sides row constructors): no composite value built per checkout.
      SELECT * FROM n WHERE (${raw(stored("n"))}) IS DISTINCT FROM (${raw(fresh)})
    ), up AS (
      INSERT INTO "CheckoutOutcome" (shop, token, ${raw(list)}, "computedAt")
      SELECT ${shop}, n.token, ${raw(fresh)}, ${utc(p.asOf)} FROM todo n
      ON CONFLICT (shop, token) DO UPDATE SET (${raw(list)}, "computedAt") = (${raw(excluded)}, EXCLUDED."computedAt")
      RETURNING token, day, "customerGid", "buyerKey", status
    )
    ${
      tokens === "all"
        ? // A whole-shop run is followed by whole-shop work: only the count comes back.
          raw(`SELECT NULL::date AS day, NULL::date AS "oldDay", NULL AS "customerGid", NULL AS "oldCustomerGid", NULL AS "buyerKey", NULL AS "oldBuyerKey", NULL AS status, NULL AS "oldStatus", count(*) AS n FROM up`)
        : raw(`SELECT up.day, t.old_day AS "oldDay", up."customerGid", t.old_customer AS "oldCustomerGid", up."buyerKey", t.old_buyer AS "oldBuyerKey", up.status, t.old_status AS "oldStatus", 1 AS n
    FROM up JOIN todo t ON t.token = up.token`)
    }`,
  ).then((rows) => (tokens === "all" ? { count: Number(rows[0]?.n ?? 0), rows: [] } : { count: rows.length, rows }));
}

export type WindowParams = { windowDays: number; asOf: Date };

/**
 * Window attribution for the abandoned checkouts of the given buyers (or all): each qualifying
 * order of a buyer goes to one abandoned checkout (the one it completed, else the buyer's latest
 * abandonment before it, within the window); each checkout keeps its earliest such order.
 * Checkouts of these buyers that lost their attribution are cleared. Returns changed rows' days.
 */
export async function attributeWindows(tx: Db, shop: string, buyers: Scope, p: WindowParams) {
  const refunds = refundedSql("o", shop, buyers === "all" ? "aggregate" : "lookup");
  const key = buyerKeySql(raw("o.email"), raw('o."customerGid"'));
  const orderScope =
    buyers === "all"
      ? empty
      : sql` AND ${key} = ANY(${buyers}::text[]) AND o."processedAt" > (SELECT COALESCE(min("abandonedAt"), 'infinity') FROM ab)`;
  return q<{ day: Date; customerGid: string | null; n: bigint | number }>(
    tx,
    sql`WITH ab AS MATERIALIZED (
      -- Materialized: the abandonments are hashed and each order looked up in them. Inlined, the
      -- planner probed the buyer index once per order instead (a million probes, ~10 s).
      SELECT token, "buyerKey", "abandonedAt" FROM "CheckoutOutcome"
      WHERE shop = ${shop} AND "abandonedAt" IS NOT NULL AND "buyerKey" IS NOT NULL ${scoped('"buyerKey"', buyers)}
    ), ord AS (
      SELECT o."orderGid", o."processedAt", o."totalMinor", o.currency, ${key} AS key, o."checkoutToken"
      FROM "Order" o ${refunds.join}
      WHERE o.shop = ${shop} AND ${qualifyingOrderSql("o", refunds.value)} ${orderScope}
    ), cand AS (
      SELECT DISTINCT ON (ord."orderGid") ord."orderGid", ord."processedAt", ord."totalMinor", ord.currency, ab.token
      FROM ord JOIN ab ON ab."buyerKey" = ord.key AND ord."processedAt" > ab."abandonedAt"
        AND ord."processedAt" <= ab."abandonedAt" + make_interval(days => ${p.windowDays}::int)
      ORDER BY ord."orderGid", (ord."checkoutToken" IS NOT DISTINCT FROM ab.token) DESC, ab."abandonedAt" DESC, ab.token
    ), firsts AS (
      SELECT DISTINCT ON (token) token, "orderGid", "processedAt", "totalMinor", currency FROM cand ORDER BY token, "processedAt", "orderGid"
    ), target AS (
      -- What may change: the checkouts credited now, and those credited before that no longer are
      -- (cleared). Every other outcome keeps its empty attribution: not read a second time.
      -- (NOT IN: a hashed list of the credited tokens; the planner guesses 200 of them and as an
      -- anti-join compared every pair, 50 million comparisons at 10,000 credited checkouts.)
      SELECT token, "orderGid", "processedAt", "totalMinor" FROM firsts
      UNION ALL
      SELECT co.token, NULL, NULL, NULL FROM "CheckoutOutcome" co
      WHERE co.shop = ${shop} ${scoped('co."buyerKey"', buyers)}
        AND (co."windowOrderGid" IS NOT NULL OR co."windowRecoveredAt" IS NOT NULL OR co."windowRecoveredMinor" IS NOT NULL)
        AND co.token NOT IN (SELECT token FROM firsts)
    )
    , up AS (
      UPDATE "CheckoutOutcome" co SET "windowOrderGid" = t."orderGid", "windowRecoveredAt" = t."processedAt",
        "windowRecoveredMinor" = t."totalMinor"
      FROM target t
      WHERE co.shop = ${shop} AND co.token = t.token
        AND (co."windowOrderGid", co."windowRecoveredAt", co."windowRecoveredMinor") IS DISTINCT FROM (t."orderGid", t."processedAt", t."totalMinor")
      RETURNING co.day, co."customerGid"
    )
    ${buyers === "all" ? raw(`SELECT NULL::date AS day, NULL AS "customerGid", count(*) AS n FROM up`) : raw(`SELECT day, "customerGid", 1 AS n FROM up`)}`,
  ).then((rows) => (buyers === "all" ? { count: Number(rows[0]?.n ?? 0), rows: [] } : { count: rows.length, rows }));
}

/**
 * Several splits of the outcomes in one pass (grouping sets), not one scan each: a set per
 * dimension, each with the day and the `also` columns. GROUPING(...) tells which dimension a row
 * groups by: its bit is 0, the others' 1.
 */
function splitsSql(dims: readonly string[], also: string[]) {
  const quoted = dims.map((d) => `"${d}"`);
  const bit = (i: number) => (1 << (dims.length - 1 - i)) ^ ((1 << dims.length) - 1);
  return {
    columns: raw(quoted.join(", ")),
    grouping: raw(`GROUPING(${quoted.join(", ")})`),
    sets: raw(quoted.map((d) => `(${["day", ...also, d].join(", ")})`).join(", ")),
    dimension: raw(`CASE g ${dims.map((d, i) => `WHEN ${bit(i)} THEN '${d}'`).join(" ")} END`),
    value: raw(`CASE g ${quoted.map((d, i) => `WHEN ${bit(i)} THEN ${d}`).join(" ")} END`),
  };
}

/** Rebuilds the daily, breakdown and product tables for the given days (or all) from outcomes. */
export async function rebuildDays(tx: Db, shop: string, days: "all" | string[], asOf: Date) {
  if (days !== "all" && days.length === 0) return;
  const dayScope = days === "all" ? empty : sql` AND day = ANY(${days}::date[])`;
  const oDayScope = days === "all" ? empty : sql` AND o.day = ANY(${days}::date[])`;
  await x(tx, sql`DELETE FROM "AbandonmentDaily" WHERE shop = ${shop} ${dayScope}`);
  await x(tx, sql`DELETE FROM "AbandonmentBreakdownDaily" WHERE shop = ${shop} ${dayScope}`);
  await x(tx, sql`DELETE FROM "AbandonedProductDaily" WHERE shop = ${shop} ${dayScope}`);
  await x(tx, sql`DELETE FROM "AbandonmentStepDaily" WHERE shop = ${shop} ${dayScope}`);
  const counted = raw(`status IN ('ABANDONED', 'RECOVERED')`);
  // Checkouts of channels Shopify records no abandonment for are in no count (abandonment.ts).
  const inScope = raw(`status <> 'EXCLUDED'`);
  // The rate's population: checkouts webhooks delivered. The history import holds only the
  // checkouts Shopify lists as abandoned, never the ones completed meanwhile, so its checkouts
  // would make a day's rate 100 %: they are counted apart (importedAbandoned), and in the value,
  // the recoveries and the products, never in started, the breakdowns or the step funnel.
  const observed = raw(`NOT imported`);
  await x(
    tx,
    sql`INSERT INTO "AbandonmentDaily" (shop, day, currency, started, "withContact", completed, open, abandoned, "noContact",
      "abandonedValueMinor", "importedAbandoned", "recoveredLink", "recoveredLinkMinor", "recoveredWindow", "recoveredWindowMinor", "shopCurrency",
      "recoveryMinutes", "computedAt")
    SELECT ${shop}, day, currency, count(*) FILTER (WHERE ${observed})::int, count(*) FILTER (WHERE ${observed} AND "hasContact")::int,
      count(*) FILTER (WHERE ${observed} AND status IN ('COMPLETED', 'RECOVERED'))::int, count(*) FILTER (WHERE ${observed} AND status = 'OPEN')::int,
      count(*) FILTER (WHERE ${observed} AND ${counted})::int, count(*) FILTER (WHERE ${observed} AND status = 'NO_CONTACT')::int,
      COALESCE(sum("valueMinor") FILTER (WHERE ${counted}), 0)::bigint, count(*) FILTER (WHERE imported AND ${counted})::int,
      count(*) FILTER (WHERE status = 'RECOVERED')::int, COALESCE(sum("recoveredMinor") FILTER (WHERE status = 'RECOVERED'), 0)::bigint,
      count(*) FILTER (WHERE "windowOrderGid" IS NOT NULL)::int, COALESCE(sum("windowRecoveredMinor"), 0)::bigint,
      max("shopCurrency"),
      COALESCE(array_agg(GREATEST(0, floor(extract(epoch FROM ("recoveredAt" - "abandonedAt")) / 60))::int ORDER BY "recoveredAt" - "abandonedAt")
        FILTER (WHERE status = 'RECOVERED'), '{}'),
      ${utc(asOf)}
    FROM "CheckoutOutcome" WHERE shop = ${shop} AND ${inScope} ${dayScope}
    GROUP BY day, currency`,
  );
  const dims = splitsSql(BREAKDOWN_DIMENSIONS, []);
  await x(
    tx,
    sql`INSERT INTO "AbandonmentBreakdownDaily" (shop, day, dimension, value, started, "withContact", completed, abandoned, "recoveredLink")
    SELECT ${shop}, day, ${dims.dimension}, ${dims.value}, started, wc, completed, abandoned, recovered FROM (
      SELECT day, ${dims.columns}, ${dims.grouping} AS g, count(*)::int AS started,
        count(*) FILTER (WHERE "hasContact")::int AS wc, count(*) FILTER (WHERE status IN ('COMPLETED', 'RECOVERED'))::int AS completed,
        count(*) FILTER (WHERE ${counted})::int AS abandoned, count(*) FILTER (WHERE status = 'RECOVERED')::int AS recovered
      FROM "CheckoutOutcome" WHERE shop = ${shop} AND ${inScope} AND ${observed} ${dayScope}
      GROUP BY GROUPING SETS (${dims.sets})
    ) b`,
  );
  // The step funnel per device, channel and source. The whole funnel is not stored: every checkout
  // has exactly one device, so it is the device split summed (reports.repo.server.ts).
  const splits = splitsSql(STEP_SPLIT_DIMENSIONS, ['"stepReached"']);
  await x(
    tx,
    sql`INSERT INTO "AbandonmentStepDaily" (shop, day, dimension, value, step, started, stopped, abandoned, "noContact")
    SELECT ${shop}, day, ${splits.dimension}, ${splits.value}, "stepReached", started, stopped, abandoned, no_contact FROM (
      SELECT day, "stepReached", ${splits.columns}, ${splits.grouping} AS g, count(*)::int AS started,
        count(*) FILTER (WHERE status IN ('ABANDONED', 'RECOVERED', 'NO_CONTACT'))::int AS stopped,
        count(*) FILTER (WHERE ${counted})::int AS abandoned, count(*) FILTER (WHERE status = 'NO_CONTACT')::int AS no_contact
      FROM "CheckoutOutcome" WHERE shop = ${shop} AND ${inScope} AND ${observed} ${dayScope}
      GROUP BY GROUPING SETS (${splits.sets})
    ) b`,
  );
  await x(
    tx,
    sql`INSERT INTO "AbandonedProductDaily" (shop, day, "productKey", "productGid", title, currency, checkouts, quantity, "valueMinor")
    SELECT ${shop}, o.day, COALESCE(li."productGid", 'title:' || left(li.title, 200)), max(li."productGid"), max(li.title), o.currency,
      count(DISTINCT o.token)::int, sum(li.quantity)::int, sum(li."priceMinor" * li.quantity)::bigint
    FROM "CheckoutOutcome" o JOIN "CheckoutLineItem" li ON li."checkoutId" = o."checkoutRowId"
    WHERE o.shop = ${shop} AND o.status IN ('ABANDONED', 'RECOVERED') ${oDayScope}
    GROUP BY o.day, 3, o.currency`,
  );
}

/**
 * Fresh statistics after a whole-shop write: the attribution joins that follow are planned from
 * them (stale ones said "1 row" and picked 200,000 index probes). ANALYZE samples; cheap.
 */
export async function analyzeOutcomes(tx: Db) {
  await x(tx, raw(`ANALYZE "CheckoutOutcome"`));
}

/**
 * Outcomes whose Checkout row is gone (Checkout rows are only ever deleted by shop/redact, so this
 * is a safety net): removed when the two counts differ.
 */
export async function deleteOrphanOutcomes(tx: Db, shop: string) {
  const [counts] = await q<{ checkouts: bigint; outcomes: bigint }>(
    tx,
    sql`SELECT (SELECT count(*) FROM "Checkout" WHERE shop = ${shop}) AS checkouts, (SELECT count(*) FROM "CheckoutOutcome" WHERE shop = ${shop}) AS outcomes`,
  );
  if (counts && counts.checkouts === counts.outcomes) return [];
  return q<{ day: Date; customerGid: string | null }>(
    tx,
    sql`DELETE FROM "CheckoutOutcome" co WHERE co.shop = ${shop}
      AND NOT EXISTS (SELECT 1 FROM "Checkout" c WHERE c.shop = co.shop AND c.token = co.token)
      RETURNING co.day, co."customerGid"`,
  );
}

export { q as queryFragment };
