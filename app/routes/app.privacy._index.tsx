import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, Card, EmptyState, IndexTable, Page } from "@shopify/polaris";
import { DownloadButton } from "~/components/DownloadButton";
import { useT } from "~/i18n/I18nProvider";
import { listComplianceRequests } from "~/domains/shops/privacy.server";
import { authenticateAdmin, type RequestContext } from "~/shopify.server";

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop, demo } = await authenticateAdmin(request, context as RequestContext);
  const requests = await listComplianceRequests(shop);
  return { demo, requests: requests.map((r) => ({ ...r, id: r.id.toString() })) };
};

export default function PrivacyRequests() {
  const { requests, demo } = useLoaderData<typeof loader>();
  const { t, date } = useT();
  return (
    <Page title={t("privacy.title")} subtitle={t("privacy.subtitle")}>
      <Card padding="0">
        {requests.length === 0 ? (
          <EmptyState heading={t("privacy.empty")} image="" />
        ) : (
          <IndexTable
            itemCount={requests.length}
            selectable={false}
            headings={[
              { title: t("privacy.topic") },
              { title: t("privacy.customer") },
              { title: t("privacy.received") },
              { title: t("privacy.due") },
              { title: t("privacy.completed") },
              { title: "" },
            ]}
          >
            {requests.map((r, i) => (
              <IndexTable.Row id={r.id} key={r.id} position={i}>
                <IndexTable.Cell>{r.topic === "customers/redact" ? t("privacy.topics.customers/redact") : t("privacy.topics.customers/data_request")}</IndexTable.Cell>
                <IndexTable.Cell>{r.customerEmail ?? r.customerGid ?? ""}</IndexTable.Cell>
                <IndexTable.Cell>{date(r.receivedAt)}</IndexTable.Cell>
                <IndexTable.Cell>{date(r.dueAt, "date")}</IndexTable.Cell>
                <IndexTable.Cell>{r.completedAt ? date(r.completedAt) : <Badge tone="attention">{t("privacy.pending")}</Badge>}</IndexTable.Cell>
                <IndexTable.Cell>
                  {r.topic === "customers/data_request" && r.completedAt ? (
                    <DownloadButton
                      url={`/app/privacy/${r.id}/export`}
                      fallbackName={`data-request-${r.id}.json`}
                      label={t("privacy.download")}
                      failedLabel={t("privacy.downloadFailed")}
                      demo={demo}
                    />
                  ) : null}
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        )}
      </Card>
    </Page>
  );
}
