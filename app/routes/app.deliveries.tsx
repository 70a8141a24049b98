import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Card, EmptyState, IndexTable, Page, Pagination, Tabs, Text } from "@shopify/polaris";
import type { WebhookStatus } from "@prisma/client";
import { useT } from "~/i18n/I18nProvider";
import { authenticateAdmin, type RequestContext } from "~/shopify.server";
import { countDeliveriesByStatus, listDeliveries } from "~/webhooks/deliveries.server";
import { customerNames } from "~/domains/segments/names.queries.server";
import { DELIVERY_STATUSES, isDeliveryOutcome } from "~/webhooks/statuses";
import { customerGidFromParam, customerParam } from "~/components/segments/ids";
import { customerLabel } from "~/components/customers/CustomerCells";

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const url = new URL(request.url);
  const statusParam = url.searchParams.get("status");
  const status = DELIVERY_STATUSES.includes(statusParam as WebhookStatus) ? (statusParam as WebhookStatus) : undefined;
  const beforeParam = url.searchParams.get("before");
  const before = beforeParam && /^\d+$/.test(beforeParam) ? BigInt(beforeParam) : undefined;
  // From a customer's journey: only the deliveries about them.
  const customerGid = customerGidFromParam(url.searchParams.get("customer") ?? undefined) ?? undefined;
  const [page, counts, names] = await Promise.all([
    listDeliveries(shop, { status, before, customerGid }),
    countDeliveriesByStatus(shop, { customerGid }),
    customerNames(shop, customerGid ? [customerGid] : []),
  ]);
  const name = customerGid ? names.get(customerGid) : undefined;
  return {
    status: status ?? null,
    customer: customerGid ? { id: customerParam(customerGid), label: customerLabel({ customerGid, displayName: name?.displayName ?? null, email: name?.email ?? null }) } : null,
    counts,
    nextBefore: page.nextBefore?.toString() ?? null,
    deliveries: page.deliveries.map((d) => ({ ...d, id: d.id.toString() })),
  };
};

const TONE: Record<WebhookStatus, "success" | "info" | "attention" | "critical" | undefined> = {
  PROCESSED: "success",
  RECEIVED: "info",
  SKIPPED: undefined,
  REJECTED: "attention",
  FAILED: "critical",
};

export default function Deliveries() {
  const { status, customer, counts, deliveries, nextBefore } = useLoaderData<typeof loader>();
  const { t, date, number } = useT();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const tabs = [
    { id: "all", content: t("deliveries.filterAll") },
    ...DELIVERY_STATUSES.map((s) => ({ id: s, content: `${t(`deliveries.statuses.${s}`)} (${number(counts[s])})` })),
  ];
  const selected = status ? DELIVERY_STATUSES.indexOf(status) + 1 : 0;
  // Tabs and pages keep the customer filter.
  const go = (o: { status?: string | null; before?: string }) =>
    navigate(`?${new URLSearchParams({ ...(customer ? { customer: customer.id } : {}), ...(o.status ? { status: o.status } : {}), ...(o.before ? { before: o.before } : {}) })}`);
  return (
    <Page title={t("deliveries.title")} subtitle={t("deliveries.subtitle")}>
      <BlockStack gap="400">
        {customer ? (
          <Banner tone="info" action={{ content: t("deliveries.allCustomers"), url: "/app/deliveries" }} secondaryAction={{ content: t("deliveries.openJourney"), url: `/app/customers/${customer.id}` }}>
            <p>{t("deliveries.aboutCustomer", { customer: customer.label })}</p>
          </Banner>
        ) : null}
        <Card padding="0">
          <Tabs tabs={tabs} selected={selected} onSelect={(i) => go({ status: i === 0 ? null : DELIVERY_STATUSES[i - 1] })} />
          {deliveries.length === 0 ? (
            <EmptyState heading={t("deliveries.empty")} image="" />
          ) : (
            <IndexTable
              itemCount={deliveries.length}
              selectable={false}
              headings={[
                { title: t("deliveries.received") },
                { title: t("deliveries.topic") },
                { title: t("deliveries.status") },
                { title: t("deliveries.outcome") },
                { title: t("deliveries.customer") },
                { title: t("deliveries.attempts"), alignment: "end" },
              ]}
            >
              {deliveries.map((d, i) => (
                <IndexTable.Row id={d.id} key={d.id} position={i}>
                  <IndexTable.Cell>{date(d.receivedAt)}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" fontWeight="semibold">
                      {d.topic}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Badge tone={TONE[d.status]}>{t(`deliveries.statuses.${d.status}`)}</Badge>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{d.lastError ?? (d.outcome && isDeliveryOutcome(d.outcome) ? t(`deliveries.outcomes.${d.outcome}`) : d.outcome) ?? ""}</IndexTable.Cell>
                  <IndexTable.Cell>{d.customer ? <Link to={`/app/customers/${customerParam(d.customer.gid)}`}>{d.customer.label ?? customerParam(d.customer.gid)}</Link> : null}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {d.attempts}
                    </Text>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
          <div style={{ padding: "12px", display: "flex", justifyContent: "center" }}>
            <Pagination
              hasPrevious={params.has("before")}
              previousTooltip={t("deliveries.previous")}
              onPrevious={() => go({ status })}
              hasNext={Boolean(nextBefore)}
              nextTooltip={t("deliveries.next")}
              onNext={() => go({ status, before: nextBefore ?? undefined })}
            />
          </div>
        </Card>
      </BlockStack>
    </Page>
  );
}
