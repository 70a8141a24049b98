import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import { Badge, Card, EmptyState, IndexTable, Page, Pagination, Tabs, Text } from "@shopify/polaris";
import type { WebhookStatus } from "@prisma/client";
import { useT } from "~/i18n/I18nProvider";
import { authenticateAdmin, type RequestContext } from "~/shopify.server";
import { countDeliveriesByStatus, listDeliveries } from "~/webhooks/deliveries.server";
import { DELIVERY_STATUSES, isDeliveryOutcome } from "~/webhooks/statuses";
import { customerParam } from "~/components/segments/ids";

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const url = new URL(request.url);
  const statusParam = url.searchParams.get("status");
  const status = DELIVERY_STATUSES.includes(statusParam as WebhookStatus) ? (statusParam as WebhookStatus) : undefined;
  const beforeParam = url.searchParams.get("before");
  const before = beforeParam && /^\d+$/.test(beforeParam) ? BigInt(beforeParam) : undefined;
  const [page, counts] = await Promise.all([listDeliveries(shop, { status, before }), countDeliveriesByStatus(shop)]);
  return {
    status: status ?? null,
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
  const { status, counts, deliveries, nextBefore } = useLoaderData<typeof loader>();
  const { t, date, number } = useT();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const tabs = [
    { id: "all", content: t("deliveries.filterAll") },
    ...DELIVERY_STATUSES.map((s) => ({ id: s, content: `${t(`deliveries.statuses.${s}`)} (${number(counts[s])})` })),
  ];
  const selected = status ? DELIVERY_STATUSES.indexOf(status) + 1 : 0;
  return (
    <Page title={t("deliveries.title")} subtitle={t("deliveries.subtitle")}>
      <Card padding="0">
        <Tabs tabs={tabs} selected={selected} onSelect={(i) => navigate(i === 0 ? "?" : `?status=${DELIVERY_STATUSES[i - 1]}`)} />
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
            onPrevious={() => navigate(status ? `?status=${status}` : "?")}
            hasNext={Boolean(nextBefore)}
            nextTooltip={t("deliveries.next")}
            onNext={() => navigate(`?${status ? `status=${status}&` : ""}before=${nextBefore}`)}
          />
        </div>
      </Card>
    </Page>
  );
}
