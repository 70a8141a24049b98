/**
 * Home dashboard: the journey funnel over a chosen range, checkout-abandonment KPIs and trends,
 * segment sizes with their 7-day change, and the state of history import and Shopify sync (with
 * progress bars while they run, refreshed every few seconds; a stalled or failed import offers to
 * resume where it stopped). Reads materialized tables only.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, EmptyState, InlineGrid, InlineStack, Layout, Page, ProgressBar, Text } from "@shopify/polaris";
import { useEffect } from "react";
import { getAbandonmentKpis, getAbandonmentTrend } from "~/domains/abandonment/abandonment.server";
import { getBackfillProgress } from "~/domains/backfill/backfill.server";
import { isStalled, readsAllOrders } from "~/domains/backfill/backfill";
import { requestBackfill } from "~/domains/backfill/backfill.jobs.server";
import { getJourneyFunnel } from "~/domains/journey/journey.server";
import { listSegments } from "~/domains/segments/segments.server";
import { getShop } from "~/domains/shops/shops.server";
import { useT } from "~/i18n/I18nProvider";
import { AbandonmentKpiGrid } from "~/components/abandonment/AbandonmentKpiGrid";
import { localDate, safeTimeZone } from "~/lib/calendar";
import { parseDateRange, rangeQuery } from "~/lib/date-range";
import { minorDigits } from "~/lib/money";
import { authenticateAdmin, type RequestContext } from "~/shopify.server";
import { DateRangeFilter } from "~/components/DateRangeFilter";
import { ChartSlot, seriesSummary } from "~/components/charts/ChartSlot";
import { JourneyFunnel } from "~/components/dashboard/JourneyFunnel";
import { backfillPercent, isSyncActive, syncPercent } from "~/components/dashboard/progress";
import { SegmentChange } from "~/components/segments/SegmentBadges";
import { abandonmentSeries } from "~/components/abandonment/series";

const POLL_MS = 5_000;

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop, demo } = await authenticateAdmin(request, context as RequestContext);
  const shopRow = await getShop(shop);
  const selection = parseDateRange(new URL(request.url).searchParams, localDate(new Date(), safeTimeZone(shopRow?.ianaTimezone)));
  const [funnel, kpis, trend, segments, backfill] = await Promise.all([
    getJourneyFunnel(shop, selection.range),
    getAbandonmentKpis(shop, selection.range),
    getAbandonmentTrend(shop, selection.range),
    listSegments(shop),
    getBackfillProgress(shop),
  ]);
  const customersNow = funnel.reduce((n, s) => n + s.customers, 0);
  const activityInRange = funnel.some((s) => s.entered > 0 || s.advanced > 0) || kpis.started > 0 || kpis.imported.abandoned > 0;
  return {
    demo,
    selection,
    funnel,
    kpis,
    trend: abandonmentSeries(trend, kpis.recovered.shopCurrency ?? "USD"),
    segments: segments
      .sort((a, b) => b.memberCount - a.memberCount)
      .map((s) => ({ id: s.id.toString(), name: s.name, memberCount: s.memberCount, change7d: s.change7d, sync: { mode: s.sync.mode, status: s.sync.status, percent: syncPercent(s.sync.syncedMembers, s.memberCount), error: s.sync.error } })),
    backfill: backfill
      ? {
          status: backfill.status,
          phase: backfill.phase,
          error: backfill.error,
          startedAt: backfill.startedAt,
          finishedAt: backfill.finishedAt,
          percent: backfillPercent(backfill),
          // Running without progress for a while: its chain of jobs broke; the page offers to resume it.
          stalled: isStalled({ status: backfill.status, updatedAt: backfill.updatedAt }, new Date()),
          lastProgressAt: backfill.updatedAt,
        }
      : null,
    // Said next to the import: RFM and stages only see the orders Shopify shared.
    ordersLimitedTo60Days: !demo && readsAllOrders(shopRow?.scopes) === false,
    state: customersNow === 0 && !backfill && kpis.started === 0 && kpis.imported.abandoned === 0 ? ("fresh" as const) : activityInRange ? ("data" as const) : ("quietRange" as const),
  };
};

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const { shop, demo } = await authenticateAdmin(request, context as RequestContext);
  const form = await request.formData();
  if (form.get("intent") !== "backfill") return data({ error: "unknownIntent" as const }, { status: 400 });
  // The demo shop has no Shopify session: nothing to import from.
  if (demo) return data({ error: "demoBackfill" as const }, { status: 422 });
  await requestBackfill(shop);
  return { error: null };
};

function AbandonmentCard() {
  const { kpis, trend, selection } = useLoaderData<typeof loader>();
  const { t, money, percent, locale } = useT();
  const shopCurrency = trend.currency;
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {t("admin.home.abandonmentTitle")}
          </Text>
          <Link to={`/app/abandonment?${rangeQuery(selection)}`}>{t("admin.home.abandonmentDetails")}</Link>
        </InlineStack>
        <AbandonmentKpiGrid kpis={kpis} shopCurrency={shopCurrency} />
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              {t("admin.abandonment.rateOverTime")}
            </Text>
            <ChartSlot
              kind="line"
              series={[{ name: t("admin.abandonment.rate"), points: trend.rate }]}
              summary={seriesSummary(trend.rate, (v) => percent(v), t)}
              format="percent"
              locale={locale}
              emptyText={t("admin.common.noData")}
              loadingLabel={t("admin.common.loadingChart")}
            />
          </BlockStack>
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              {t("admin.abandonment.recoveredOverTime")}
            </Text>
            <ChartSlot
              kind="line"
              series={[
                { name: t("admin.abandonment.linkShort"), points: trend.recoveredLink },
                { name: t("admin.abandonment.windowShort", { days: kpis.recovered.window.days }), points: trend.recoveredWindow },
              ]}
              format={{ currency: shopCurrency, locale }}
              summary={`${t("admin.abandonment.linkShort")}: ${seriesSummary(trend.recoveredLink, (v) => money(Math.round(v * 10 ** minorDigits(shopCurrency)), shopCurrency), t)}`}
              locale={locale}
              emptyText={t("admin.common.noData")}
              loadingLabel={t("admin.common.loadingChart")}
            />
          </BlockStack>
        </InlineGrid>
      </BlockStack>
    </Card>
  );
}

function SegmentsCard() {
  const { segments } = useLoaderData<typeof loader>();
  const { t, number } = useT();
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {t("admin.home.segmentsTitle")}
          </Text>
          <Link to="/app/segments">{t("admin.home.allSegments")}</Link>
        </InlineStack>
        {segments.length === 0 ? (
          <BlockStack gap="200" inlineAlign="start">
            <Text as="p" tone="subdued">
              {t("admin.home.noSegments")}
            </Text>
            <Button url="/app/segments/new">{t("admin.segments.create")}</Button>
          </BlockStack>
        ) : (
          <ul style={{ listStyle: "none", margin: 0, padding: 0 }}>
            {segments.slice(0, 8).map((s) => (
              <li key={s.id} style={{ padding: "6px 0", borderBottom: "1px solid var(--p-color-border-secondary)" }}>
                <InlineStack align="space-between" blockAlign="center" wrap={false} gap="200">
                  <Link to={`/app/segments/${s.id}`}>{s.name}</Link>
                  <InlineStack gap="200" blockAlign="center" wrap={false}>
                    <Text as="span" numeric>
                      {number(s.memberCount)}
                    </Text>
                    <SegmentChange change={s.change7d} />
                  </InlineStack>
                </InlineStack>
              </li>
            ))}
          </ul>
        )}
      </BlockStack>
    </Card>
  );
}

function DataStateCard() {
  const { backfill, segments, demo, ordersLimitedTo60Days } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const { t, date } = useT();
  const syncing = segments.filter((s) => isSyncActive(s.sync.status));
  const failed = segments.filter((s) => s.sync.status === "FAILED");
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("admin.home.dataTitle")}
        </Text>
        {backfill ? (
          <BlockStack gap="200">
            <InlineStack align="space-between" blockAlign="center">
              <Text as="h3" variant="headingSm">
                {t("admin.home.backfill")}
              </Text>
              <Badge tone={backfill.status === "COMPLETED" ? "success" : backfill.status === "FAILED" ? "critical" : backfill.stalled ? "warning" : "info"}>
                {t(`admin.home.backfillStatus.${backfill.status === "COMPLETED" || backfill.status === "FAILED" || backfill.status === "CANCELED" ? backfill.status : backfill.stalled ? "STALLED" : "RUNNING"}`)}
              </Badge>
            </InlineStack>
            {backfill.status === "RUNNING" ? (
              <>
                <ProgressBar progress={backfill.percent} size="small" tone="primary" ariaLabelledBy="backfill-progress-label" />
                <Text as="p" variant="bodySm" tone="subdued" id="backfill-progress-label">
                  {t("admin.home.backfillPhase", { phase: t(`admin.home.phases.${backfill.phase === "CUSTOMERS" || backfill.phase === "ORDERS" || backfill.phase === "ABANDONED_CHECKOUTS" || backfill.phase === "RECOMPUTE" ? backfill.phase : "DONE"}`), percent: backfill.percent })}
                </Text>
                {backfill.stalled ? (
                  <Text as="p" variant="bodySm">
                    {t("admin.home.backfillStalled", { at: date(backfill.lastProgressAt) })}
                  </Text>
                ) : null}
              </>
            ) : (
              <Text as="p" variant="bodySm" tone="subdued">
                {backfill.status === "FAILED"
                  ? t("admin.home.backfillFailed", { error: backfill.error ?? "" })
                  : t("admin.home.backfillFinished", { at: date(backfill.finishedAt ?? backfill.startedAt) })}
              </Text>
            )}
          </BlockStack>
        ) : (
          <Text as="p" variant="bodySm" tone="subdued">
            {t("admin.home.noBackfill")}
          </Text>
        )}
        {ordersLimitedTo60Days ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {t("admin.home.ordersLast60Days")}
          </Text>
        ) : null}
        {/* A running import has no button unless it stalled; a failed or stalled one resumes where it stopped (requestBackfill). */}
        {!demo && (backfill?.status !== "RUNNING" || backfill.stalled) ? (
          <fetcher.Form method="post">
            <input type="hidden" name="intent" value="backfill" />
            <Button submit loading={fetcher.state !== "idle"}>
              {!backfill ? t("admin.home.backfillStart") : backfill.status === "FAILED" || backfill.stalled ? t("admin.home.backfillResume") : t("admin.home.backfillAgain")}
            </Button>
          </fetcher.Form>
        ) : null}
        {syncing.map((s) => (
          <BlockStack gap="100" key={s.id}>
            <Text as="p" variant="bodySm" id={`sync-${s.id}`}>
              {t("admin.home.syncing", { name: s.name, percent: s.sync.percent })}
            </Text>
            <ProgressBar progress={s.sync.percent} size="small" ariaLabelledBy={`sync-${s.id}`} />
          </BlockStack>
        ))}
        {failed.map((s) => (
          <Banner key={s.id} tone="critical" title={t("admin.home.syncFailed", { name: s.name })}>
            <p>{t("admin.segments.syncFailedHelp")}</p>
          </Banner>
        ))}
        <Link to="/app/deliveries">{t("admin.home.deliveriesLink")}</Link>
      </BlockStack>
    </Card>
  );
}

/** While an import or a sync runs, the page re-reads its data every few seconds. */
function usePolling(active: boolean) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle" && document.visibilityState === "visible") revalidator.revalidate();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [active, revalidator]);
}

export default function Home() {
  const { selection, funnel, state, backfill, segments } = useLoaderData<typeof loader>();
  const { t, day } = useT();
  usePolling(backfill?.status === "RUNNING" || segments.some((s) => isSyncActive(s.sync.status)));
  if (state === "fresh") {
    return (
      <Page title={t("admin.home.title")}>
        <Layout>
          <Layout.Section>
            <Card>
              <EmptyState heading={t("admin.home.freshTitle")} image="" secondaryAction={{ content: t("admin.home.deliveriesLink"), url: "/app/deliveries" }}>
                <p>{t("admin.home.freshBody")}</p>
              </EmptyState>
            </Card>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <DataStateCard />
          </Layout.Section>
        </Layout>
      </Page>
    );
  }
  return (
    <Page title={t("admin.home.title")} secondaryActions={[{ content: t("admin.home.deliveriesLink"), url: "/app/deliveries" }]}>
      <Layout>
        <Layout.Section>
          <Card>
            <DateRangeFilter selection={selection} />
          </Card>
        </Layout.Section>
        {state === "quietRange" ? (
          <Layout.Section>
            <Banner tone="info" title={t("admin.common.quietRangeTitle", { from: day(selection.range.from), to: day(selection.range.to) })}>
              <p>{t("admin.common.quietRangeBody")}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("admin.funnel.title")}
                </Text>
                <Text as="p" variant="bodySm" tone="subdued">
                  {t("admin.funnel.help", { from: day(selection.range.from), to: day(selection.range.to) })}
                </Text>
                <JourneyFunnel steps={funnel} />
              </BlockStack>
            </Card>
            <AbandonmentCard />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <SegmentsCard />
            <DataStateCard />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
