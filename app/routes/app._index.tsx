import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, EmptyState, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { useT } from "~/i18n/I18nProvider";
import type { MessageKey } from "~/i18n/i18n";
import { getShopDataSummary } from "~/domains/shops/shops.server";
import { authenticateAdmin, type RequestContext } from "~/shopify.server";
import { countDeliveriesByStatus } from "~/webhooks/deliveries.server";

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const [summary, deliveries] = await Promise.all([getShopDataSummary(shop), countDeliveriesByStatus(shop)]);
  return { summary, deliveries: Object.values(deliveries).reduce((a, b) => a + b, 0) };
};

function Stat({ label, value }: { label: MessageKey; value: number }) {
  const { t, number } = useT();
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {t(label)}
        </Text>
        <Text as="p" variant="heading2xl">
          {number(value)}
        </Text>
      </BlockStack>
    </Card>
  );
}

export default function Home() {
  const { summary, deliveries } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <Page title={t("home.title")}>
      <Layout>
        <Layout.Section>
          {deliveries === 0 ? (
            <Card>
              <EmptyState heading={t("home.emptyTitle")} image="">
                <p>{t("home.emptyBody")}</p>
              </EmptyState>
            </Card>
          ) : (
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("home.ingested")}
              </Text>
              <InlineGrid columns={{ xs: 2, md: 5 }} gap="300">
                <Stat label="home.customers" value={summary.customers} />
                <Stat label="home.orders" value={summary.orders} />
                <Stat label="home.checkouts" value={summary.checkouts} />
                <Stat label="home.refunds" value={summary.refunds} />
                <Stat label="home.deliveries" value={deliveries} />
              </InlineGrid>
            </BlockStack>
          )}
        </Layout.Section>
      </Layout>
    </Page>
  );
}
