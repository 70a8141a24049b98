/**
 * Checkout abandonment over a range: KPIs with their denominators, daily trend, where checkouts
 * stop (step by step, whole and by device, channel, source), breakdowns by
 * channel, traffic source, landing page and device, top abandoned products, and the recovered
 * checkouts (link-attributed, Shopify's rule, or window-attributed), newest recovery first.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Box, Card, DataTable, EmptyState, InlineGrid, Layout, Page, Pagination, Tabs, Text } from "@shopify/polaris";
import { useState } from "react";
import {
  getAbandonmentBreakdown,
  getAbandonmentKpis,
  getAbandonmentTrend,
  getStepFunnels,
  getTopAbandonedProducts,
  listRecoveredCheckouts,
} from "~/domains/abandonment/abandonment.server";
import { BREAKDOWN_DIMENSIONS, STEP_SPLITS } from "~/domains/abandonment/abandonment";
import { customerNames } from "~/domains/segments/names.queries.server";
import { getShop } from "~/domains/shops/shops.server";
import { useT } from "~/i18n/I18nProvider";
import { AbandonmentKpiGrid } from "~/components/abandonment/AbandonmentKpiGrid";
import { StepFunnelCard } from "~/components/abandonment/StepFunnelCard";
import { breakdownValue, recoveryTime } from "~/components/abandonment/abandonment-text";
import { localDate, safeTimeZone } from "~/lib/calendar";
import { parseDateRange } from "~/lib/date-range";
import { authenticateAdmin, type RequestContext } from "~/shopify.server";
import { DateRangeFilter } from "~/components/DateRangeFilter";
import { ChartSlot, seriesSummary } from "~/components/charts/ChartSlot";
import { abandonmentSeries } from "~/components/abandonment/series";
import { customerParam } from "~/components/segments/ids";

const CURSOR = /^[A-Za-z0-9_-]{1,300}$/;

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const params = new URL(request.url).searchParams;
  const shopRow = await getShop(shop);
  const selection = parseDateRange(params, localDate(new Date(), safeTimeZone(shopRow?.ianaTimezone)));
  const attribution = params.get("attribution") === "window" ? "window" : "link";
  const after = params.get("after");
  const range = selection.range;
  const [kpis, trend, products, recovered, steps, ...breakdowns] = await Promise.all([
    getAbandonmentKpis(shop, range),
    getAbandonmentTrend(shop, range),
    getTopAbandonedProducts(shop, range, 10),
    listRecoveredCheckouts(shop, { attribution, after: after && CURSOR.test(after) ? after : undefined, limit: 20 }),
    Promise.all(STEP_SPLITS.map(async (split) => ({ split, funnels: await getStepFunnels(shop, range, split, 5) }))),
    ...BREAKDOWN_DIMENSIONS.map((d) => getAbandonmentBreakdown(shop, range, d, 10)),
  ]);
  const currency = kpis.recovered.shopCurrency ?? shopRow?.currency ?? "USD";
  const names = await customerNames(shop, recovered.checkouts.flatMap((r) => (r.customerGid ? [r.customerGid] : [])));
  return {
    selection,
    currency,
    kpis,
    trend: abandonmentSeries(trend, currency),
    breakdowns: BREAKDOWN_DIMENSIONS.map((dimension, i) => ({ dimension, rows: breakdowns[i]! })),
    steps,
    products: products.map((p) => ({ ...p, valueMinor: p.valueMinor.toString() })),
    attribution,
    paged: Boolean(after),
    recovered: {
      nextCursor: recovered.nextCursor,
      rows: recovered.checkouts.map((r) => ({
        token: r.token,
        customerGid: r.customerGid,
        customerName: r.customerGid ? (names.get(r.customerGid)?.displayName ?? names.get(r.customerGid)?.email ?? null) : null,
        abandonedAt: r.abandonedAt,
        recoveredAt: r.recoveredAt,
        minutesToRecover: r.minutesToRecover,
        revenueMinor: r.revenueMinor?.toString() ?? null,
        shopCurrency: r.shopCurrency,
        checkoutValueMinor: r.checkoutValueMinor.toString(),
        checkoutCurrency: r.checkoutCurrency,
      })),
    },
  };
};

function Breakdowns() {
  const { breakdowns } = useLoaderData<typeof loader>();
  const { t, number, percent } = useT();
  const [selected, setSelected] = useState(0);
  const current = breakdowns[selected]!;
  return (
    <Card padding="0">
      <Tabs
        tabs={breakdowns.map((b) => ({ id: `dim-${b.dimension}`, content: t(`admin.abandonment.dimensions.${b.dimension}`), panelID: `dim-panel-${b.dimension}` }))}
        selected={selected}
        onSelect={setSelected}
      >
        <Box padding="300" id={`dim-panel-${current.dimension}`}>
          <BlockStack gap="200">
            <Text as="p" variant="bodySm" tone="subdued">
              {t(`admin.abandonment.dimensionHelp.${current.dimension}`)}
            </Text>
            {current.rows.length === 0 ? (
              <Text as="p" tone="subdued">
                {t("admin.common.noData")}
              </Text>
            ) : (
              <DataTable
                columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
                headings={[
                  t(`admin.abandonment.dimensions.${current.dimension}`),
                  t("admin.abandonment.started"),
                  t("admin.abandonment.withContact"),
                  t("admin.abandonment.abandoned"),
                  t("admin.abandonment.rate"),
                  t("admin.abandonment.recoveredShort"),
                ]}
                rows={current.rows.map((r) => [breakdownValue(current.dimension, r.value, t), number(r.started), number(r.withContact), number(r.abandoned), percent(r.rate), number(r.recoveredLink)])}
              />
            )}
          </BlockStack>
        </Box>
      </Tabs>
    </Card>
  );
}

function RecoveredList() {
  const { recovered, attribution, paged, kpis } = useLoaderData<typeof loader>();
  const { t, money, date } = useT();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const linkTo = (change: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(change)) v === null ? next.delete(k) : next.set(k, v);
    return `?${next.toString()}`;
  };
  return (
    <Card padding="0">
      <Tabs
        tabs={[
          { id: "recovered-link", content: t("admin.abandonment.linkShort") },
          { id: "recovered-window", content: t("admin.abandonment.windowShort", { days: kpis.recovered.window.days }) },
        ]}
        selected={attribution === "window" ? 1 : 0}
        onSelect={(i) => navigate(linkTo({ attribution: i === 1 ? "window" : null, after: null }), { preventScrollReset: true })}
      >
        <Box padding="300">
          <BlockStack gap="200">
            <Text as="p" variant="bodySm" tone="subdued">
              {attribution === "window" ? t("admin.abandonment.windowHelp", { days: kpis.recovered.window.days }) : t("admin.abandonment.linkHelp")}
            </Text>
            {recovered.rows.length === 0 ? (
              <Text as="p" tone="subdued">
                {t("admin.abandonment.noRecovered")}
              </Text>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "text", "text", "numeric", "numeric"]}
                headings={[
                  t("admin.abandonment.customer"),
                  t("admin.abandonment.abandonedAt"),
                  t("admin.abandonment.recoveredAt"),
                  t("admin.abandonment.timeToRecover"),
                  t("admin.abandonment.checkoutValue"),
                  t("admin.abandonment.revenue"),
                ]}
                rows={recovered.rows.map((r) => [
                  r.customerGid ? <Link to={`/app/customers/${customerParam(r.customerGid)}`}>{r.customerName ?? customerParam(r.customerGid)}</Link> : t("admin.abandonment.guest"),
                  date(r.abandonedAt),
                  date(r.recoveredAt),
                  recoveryTime(r.minutesToRecover, t),
                  money(r.checkoutValueMinor, r.checkoutCurrency),
                  r.revenueMinor ? money(r.revenueMinor, r.shopCurrency ?? r.checkoutCurrency) : "–",
                ])}
              />
            )}
            <Pagination
              hasPrevious={paged}
              onPrevious={() => navigate(linkTo({ after: null }), { preventScrollReset: true })}
              previousTooltip={t("admin.common.firstPage")}
              hasNext={Boolean(recovered.nextCursor)}
              onNext={() => navigate(linkTo({ after: recovered.nextCursor }), { preventScrollReset: true })}
              nextTooltip={t("admin.common.nextPage")}
            />
          </BlockStack>
        </Box>
      </Tabs>
    </Card>
  );
}

export default function Abandonment() {
  const { selection, kpis, trend, products, currency, steps } = useLoaderData<typeof loader>();
  const { t, number, money, percent, day, locale } = useT();
  const empty = kpis.started === 0 && kpis.imported.abandoned === 0;
  return (
    <Page title={t("admin.abandonment.title")} subtitle={t("admin.abandonment.subtitle", { minutes: kpis.settings.thresholdMinutes })}>
      <Layout>
        <Layout.Section>
          <Card>
            <DateRangeFilter selection={selection} />
          </Card>
        </Layout.Section>
        {empty ? (
          <Layout.Section>
            <Card>
              <EmptyState heading={t("admin.common.quietRangeTitle", { from: day(selection.range.from), to: day(selection.range.to) })} image="">
                <p>{t("admin.abandonment.emptyBody")}</p>
              </EmptyState>
            </Card>
          </Layout.Section>
        ) : (
          <>
            <Layout.Section>
              <Card>
                <AbandonmentKpiGrid kpis={kpis} shopCurrency={currency} />
              </Card>
            </Layout.Section>
            <Layout.Section>
              <Card>
                <BlockStack gap="200">
                  <Text as="p" variant="bodySm" tone="subdued">
                    {t("admin.abandonment.funnelLine", {
                      started: number(kpis.started),
                      contact: number(kpis.withContact),
                      completed: number(kpis.completed),
                      open: number(kpis.open),
                      noContact: number(kpis.noContact),
                    })}
                    {kpis.recovered.medianMinutesToRecover !== null ? ` ${t("admin.abandonment.median", { time: recoveryTime(Math.round(kpis.recovered.medianMinutesToRecover), t) })}` : ""}
                  </Text>
                  {kpis.imported.abandoned ? (
                    <Text as="p" variant="bodySm" tone="subdued">
                      {t("admin.abandonment.importedLine", { count: kpis.imported.abandoned })}
                    </Text>
                  ) : null}
                  <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
                    <BlockStack gap="200">
                      <Text as="h2" variant="headingSm">
                        {t("admin.abandonment.checkoutsOverTime")}
                      </Text>
                      <ChartSlot
                        kind="bar"
                        series={[
                          { name: t("admin.abandonment.started"), points: trend.started },
                          { name: t("admin.abandonment.abandoned"), points: trend.abandoned },
                          ...(kpis.imported.abandoned ? [{ name: t("admin.abandonment.importedAbandoned"), points: trend.importedAbandoned }] : []),
                        ]}
                        format="count"
                        summary={`${t("admin.abandonment.started")}: ${seriesSummary(trend.started, (v) => number(Math.round(v)), t)} ${t("admin.abandonment.abandoned")}: ${seriesSummary(trend.abandoned, (v) => number(Math.round(v)), t)}`}
                        locale={locale}
                        emptyText={t("admin.common.noData")}
                        loadingLabel={t("admin.common.loadingChart")}
                      />
                    </BlockStack>
                    <BlockStack gap="200">
                      <Text as="h2" variant="headingSm">
                        {t("admin.abandonment.rateOverTime")}
                      </Text>
                      <ChartSlot
                        kind="line"
                        series={[{ name: t("admin.abandonment.rate"), points: trend.rate }]}
                        format="percent"
                        summary={seriesSummary(trend.rate, (v) => percent(v), t)}
                        locale={locale}
                        emptyText={t("admin.common.noData")}
                        loadingLabel={t("admin.common.loadingChart")}
                      />
                    </BlockStack>
                  </InlineGrid>
                </BlockStack>
              </Card>
            </Layout.Section>
            <Layout.Section>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("admin.abandonment.steps.title")}
                </Text>
                <StepFunnelCard funnels={steps} />
              </BlockStack>
            </Layout.Section>
            <Layout.Section>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("admin.abandonment.breakdownTitle")}
                </Text>
                <Breakdowns />
              </BlockStack>
            </Layout.Section>
            <Layout.Section>
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    {t("admin.abandonment.productsTitle")}
                  </Text>
                  {products.length === 0 ? (
                    <Text as="p" tone="subdued">
                      {t("admin.common.noData")}
                    </Text>
                  ) : (
                    <DataTable
                      columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                      headings={[t("admin.abandonment.product"), t("admin.abandonment.checkouts"), t("admin.abandonment.quantity"), t("admin.abandonment.value")]}
                      rows={products.map((p) => [p.title, number(p.checkouts), number(p.quantity), money(p.valueMinor, p.currency)])}
                    />
                  )}
                </BlockStack>
              </Card>
            </Layout.Section>
          </>
        )}
        <Layout.Section>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              {t("admin.abandonment.recoveredTitle")}
            </Text>
            <RecoveredList />
          </BlockStack>
        </Layout.Section>
        <Layout.Section>
          <Banner tone="info">
            <p>{t("admin.abandonment.definitions", { minutes: kpis.settings.thresholdMinutes, days: kpis.recovered.window.days })}</p>
          </Banner>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
