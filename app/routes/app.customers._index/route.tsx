/**
 * Customer lookup for support staff: by email, name or order number ("#1001"). One match opens
 * the customer's journey directly; none says what to try instead.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, EmptyState, IndexTable, InlineStack, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { searchCustomers } from "~/domains/segments/profiles.server";
import { useT } from "~/i18n/I18nProvider";
import { authenticateAdmin, type RequestContext } from "~/shopify.server";
import { customerParam } from "~/components/segments/ids";
import { CustomerCells, customerHeadings } from "~/components/customers/CustomerCells";

const SHOWN = 25;

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const q = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, 200);
  if (!q) return { q, tooShort: false, hits: null, more: false };
  // One more than shown, to say when a prefix matches more customers than the list holds.
  const hits = await searchCustomers(shop, q, SHOWN + 1);
  if (hits.length === 1) throw redirect(`/app/customers/${customerParam(hits[0]!.customerGid)}?q=${encodeURIComponent(q)}`);
  return {
    q,
    tooShort: q.length < 2 && !/^\d$/.test(q),
    hits: hits.slice(0, SHOWN).map((h) => ({ ...h, amountSpentMinor: h.amountSpentMinor.toString() })),
    more: hits.length > SHOWN,
  };
};

export default function Customers() {
  const { q, hits, tooShort, more } = useLoaderData<typeof loader>();
  const { t, number } = useT();
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
              headings={customerHeadings(t)}
            >
              {hits.map((h, i) => (
                <IndexTable.Row id={h.customerGid} key={h.customerGid} position={i}>
                  <CustomerCells customer={h} currency={null} />
                </IndexTable.Row>
              ))}
            </IndexTable>
            {more ? (
              <Box padding="300">
                <Text as="p" variant="bodySm" tone="subdued">
                  {t("admin.customers.more", { count: number(SHOWN) })}
                </Text>
              </Box>
            ) : null}
          </Card>
        )}
      </BlockStack>
    </Page>
  );
}
