/**
 * One customer's journey for support staff: every event in order with its reason (checkouts,
 * abandonment, orders, refunds, stage changes, segment entries and exits, points, reviews), and
 * why they are where they are: RFM values, scores and the bands that gave them, the grid cell of
 * their group next to Shopify's own rfmGroup, the stage rule, each segment's conditions, and which
 * orders count.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, EmptyState, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { SimpleTable } from "~/components/SimpleTable";
import { getCustomerTimeline } from "~/domains/journey/journey.server";
import { explainCustomer } from "~/domains/segments/profiles.server";
import { useT } from "~/i18n/I18nProvider";
import type { MessageKey } from "~/i18n/i18n";
import { authenticateAdmin, type RequestContext } from "~/shopify.server";
import { customerGidFromParam, customerParam } from "~/components/segments/ids";
import { explanationView, type ExplanationView } from "~/components/customers/explanation-view";
import { SegmentReasons } from "~/components/customers/SegmentReasons";
import { timelineDetail, timelineTitle } from "~/components/customers/timeline-text";
import { rfmCellText, rfmModesText, rfmRows, shopifyGroupText } from "~/components/customers/rfm-text";
import { orderCountsText } from "~/components/customers/order-text";

const TIMELINE_LIMIT = 300;

export const loader = async ({ request, context, params }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const gid = customerGidFromParam(params.customerId);
  const [explanation, timeline] = gid ? await Promise.all([explainCustomer(shop, gid), getCustomerTimeline(shop, gid, TIMELINE_LIMIT)]) : [null, []];
  if (!explanation) return data({ found: false as const, id: params.customerId ?? "" }, { status: 404 });
  return {
    found: true as const,
    customer: explanationView(explanation),
    timeline: timeline.map((e) => ({ at: e.at, kind: e.kind, ref: e.ref, detail: e.detail })),
    truncated: timeline.length >= TIMELINE_LIMIT,
  };
};

function RfmCard({ customer }: { customer: ExplanationView }) {
  const tr = useT();
  const { t } = tr;
  const rfm = customer.rfm;
  const currency = rfm.values.currency ?? customer.facts.currency ?? "USD";
  const cell = rfmCellText(rfm, tr);
  const modes = rfmModesText(rfm, tr);
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {t("admin.customer.rfmTitle")}
          </Text>
          <Badge tone="info">{t(`admin.rfmGroups.${rfm.group}` as MessageKey)}</Badge>
        </InlineStack>
        {!rfm.scored ? (
          <Text as="p">{t("admin.customer.prospect")}</Text>
        ) : (
          <>
            <SimpleTable
              numeric={[2]}
              headings={[t("admin.customer.dimension"), t("admin.customer.value"), t("admin.customer.score"), t("admin.customer.band")]}
              rows={rfmRows(rfm, tr, currency).map((r) => [r.dimension, r.value, r.score, r.band])}
            />
            {cell ? (
              <Text as="p" variant="bodySm">
                {cell}
              </Text>
            ) : null}
            {modes ? (
              <Text as="p" variant="bodySm" tone="subdued">
                {modes}
              </Text>
            ) : null}
          </>
        )}
        <Box padding="200" background="bg-surface-secondary" borderRadius="200">
          <Text as="p" variant="bodySm">
            {shopifyGroupText(rfm, tr)}
          </Text>
        </Box>
      </BlockStack>
    </Card>
  );
}

function OrdersCard({ customer }: { customer: ExplanationView }) {
  const { t, money, date } = useT();
  if (!customer.orders.length) return null;
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {t("admin.customer.ordersTitle")}
        </Text>
        <SimpleTable
          numeric={[2]}
          headings={[t("admin.customer.order"), t("admin.customer.date"), t("admin.customer.net"), t("admin.customer.counts")]}
          rows={customer.orders.map((o) => [
            o.name ?? o.orderGid.split("/").pop() ?? "",
            date(o.processedAt, "date"),
            money(o.netMinor, o.currency),
            orderCountsText(o, t),
          ])}
        />
      </BlockStack>
    </Card>
  );
}

export default function CustomerJourney() {
  const loaded = useLoaderData<typeof loader>();
  const { t, date } = useT();
  const tr = useT();
  if (!loaded.found) {
    return (
      <Page title={t("admin.customer.notFoundTitle")} backAction={{ content: t("admin.customers.title"), url: "/app/customers" }}>
        <Card>
          <EmptyState heading={t("admin.customer.notFoundTitle")} image="" action={{ content: t("admin.customer.searchAgain"), url: "/app/customers" }}>
            <p>{t("admin.customer.notFoundBody", { id: loaded.id })}</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }
  const { customer, timeline, truncated } = loaded;
  const title = customer.displayName ?? customer.email ?? customer.customerGid.split("/").pop() ?? "";
  const currency = customer.facts.currency;
  return (
    <Page
      title={title}
      subtitle={customer.displayName && customer.email ? customer.email : undefined}
      backAction={{ content: t("admin.customers.title"), url: "/app/customers" }}
      secondaryActions={[{ content: t("admin.customer.deliveries"), url: `/app/deliveries?customer=${customerParam(customer.customerGid)}` }]}
      titleMetadata={
        <InlineStack gap="100">
          <Badge tone="info">{t(`admin.stages.${customer.stage.stage}` as MessageKey)}</Badge>
          <Badge>{t(`admin.rfmGroups.${customer.rfm.group}` as MessageKey)}</Badge>
        </InlineStack>
      }
    >
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("admin.customer.timelineTitle")}
              </Text>
              {timeline.length === 0 ? (
                <Text as="p" tone="subdued">
                  {t("admin.customer.noEvents")}
                </Text>
              ) : (
                <ol style={{ listStyle: "none", margin: 0, padding: 0 }} aria-label={t("admin.customer.timelineTitle")}>
                  {timeline.map((e, i) => (
                    <li key={`${e.kind}-${e.ref ?? ""}-${i}`} style={{ padding: "8px 0", borderBottom: "1px solid var(--p-color-border-secondary)" }}>
                      <InlineStack gap="300" wrap={false} blockAlign="start">
                        <div style={{ minWidth: 150 }}>
                          <Text as="span" variant="bodySm" tone="subdued">
                            <time dateTime={new Date(e.at).toISOString()}>{date(e.at)}</time>
                          </Text>
                        </div>
                        <BlockStack gap="050">
                          <Text as="span" fontWeight="semibold">
                            {timelineTitle(e.kind, t)}
                          </Text>
                          <Text as="span" variant="bodySm">
                            {timelineDetail(e, tr, currency)}
                          </Text>
                        </BlockStack>
                      </InlineStack>
                    </li>
                  ))}
                </ol>
              )}
              {truncated ? (
                <Text as="p" variant="bodySm" tone="subdued">
                  {t("admin.customer.truncated")}
                </Text>
              ) : null}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("admin.customer.stageTitle")}
                </Text>
                <Text as="p">{t(`admin.stageReasons.${customer.stage.reason}` as MessageKey)}</Text>
                <Text as="p" variant="bodySm" tone="subdued">
                  {t("admin.customer.stageSince", { at: date(customer.stage.since), version: customer.stage.rulesVersion })}
                </Text>
              </BlockStack>
            </Card>
            <RfmCard customer={customer} />
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("admin.customer.segmentsTitle")}
                </Text>
                {customer.segments.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {t("admin.customer.noSegments")}
                  </Text>
                ) : (
                  customer.segments.map((s) => (
                    <BlockStack gap="100" key={s.segmentId}>
                      <Link to={`/app/segments/${s.segmentId}`}>
                        <Text as="span" fontWeight="semibold">
                          {s.name}
                        </Text>
                      </Link>
                      <SegmentReasons segment={s} currency={currency} />
                    </BlockStack>
                  ))
                )}
              </BlockStack>
            </Card>
            <OrdersCard customer={customer} />
            <Banner tone="info">
              <p>{t("admin.customer.computedAt", { at: date(customer.computedAt) })}</p>
            </Banner>
            <Button url="/app/customers">{t("admin.customer.searchAgain")}</Button>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
