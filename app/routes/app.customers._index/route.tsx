/**
 * Customer lookup for support staff: by email, name or order number ("#1001"). One match opens
 * the customer's journey directly; none says what to try instead.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, EmptyState, IndexTable, InlineStack, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { searchCustomers } from "~/domains/segments/profiles.server";
import { useT } from "~/i18n/I18nProvider";
import type { MessageKey } from "~/i18n/i18n";
import { authenticateAdmin, type RequestContext } from "~/shopify.server";
import { customerParam } from "~/components/segments/ids";

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const q = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, 200);
  if (!q) return { q, tooShort: false, hits: null };
  const hits = await searchCustomers(shop, q, 25);
  if (hits.length === 1) throw redirect(`/app/customers/${customerParam(hits[0]!.customerGid)}?q=${encodeURIComponent(q)}`);
  return {
    q,
    tooShort: q.length < 2 && !/^\d$/.test(q),
    hits: hits.map((h) => ({ ...h, amountSpentMinor: h.amountSpentMinor.toString() })),
  };
};

export default function Customers() {
  const { q, hits, tooShort } = useLoaderData<typeof loader>();
  const { t, number, money } = useT();
  const navigation = useNavigation();
  const [value, setValue] = useState(q);
  return (
    <Page title={t("admin.customers.title")} subtitle={t("admin.customers.subtitle")}>
      <BlockStack gap="400">
        <Card>
          <Form method="get" role="search">
            <InlineStack gap="200" blockAlign="end" wrap={false}>
              <div style={{ flex: 1 }}>
                <TextField
                  label={t("admin.customers.searchLabel")}
                  name="q"
                  value={value}
                  onChange={setValue}
                  placeholder={t("admin.customers.searchPlaceholder")}
                  autoComplete="off"
                  autoFocus
                />
              </div>
              <Button submit variant="primary" loading={navigation.state === "loading"}>
                {t("admin.common.search")}
              </Button>
            </InlineStack>
          </Form>
        </Card>
        {hits === null ? (
          <Card>
            <EmptyState heading={t("admin.customers.startTitle")} image="">
              <p>{t("admin.customers.startBody")}</p>
            </EmptyState>
          </Card>
        ) : hits.length === 0 ? (
          <Banner tone="warning" title={tooShort ? t("admin.customers.tooShort") : t("admin.customers.noMatch", { q })}>
            <p>{t("admin.customers.noMatchHelp")}</p>
          </Banner>
        ) : (
          <Card padding="0">
            <IndexTable
              itemCount={hits.length}
              selectable={false}
              resourceName={{ singular: t("admin.customers.singular"), plural: t("admin.customers.plural") }}
              headings={[
                { title: t("admin.segments.columns.customer") },
                { title: t("admin.segments.columns.rfm") },
                { title: t("admin.segments.columns.stage") },
                { title: t("admin.segments.columns.orders"), alignment: "end" },
                { title: t("admin.segments.columns.spent"), alignment: "end" },
              ]}
            >
              {hits.map((h, i) => (
                <IndexTable.Row id={h.customerGid} key={h.customerGid} position={i}>
                  <IndexTable.Cell>
                    <BlockStack gap="050">
                      <Link to={`/app/customers/${customerParam(h.customerGid)}`}>{h.displayName ?? h.email ?? customerParam(h.customerGid)}</Link>
                      {h.displayName && h.email ? (
                        <Text as="span" variant="bodySm" tone="subdued">
                          {h.email}
                        </Text>
                      ) : null}
                    </BlockStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{t(`admin.rfmGroups.${h.rfmGroup}` as MessageKey)}</IndexTable.Cell>
                  <IndexTable.Cell>{t(`admin.stages.${h.stage}` as MessageKey)}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {number(h.ordersCount)}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {money(h.amountSpentMinor, h.currency ?? "USD")}
                    </Text>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          </Card>
        )}
      </BlockStack>
    </Page>
  );
}
