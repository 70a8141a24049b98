/**
 * The columns every customer list starts with (customer search, segment members): who, linking to
 * their journey, then RFM group, stage, orders and amount spent. One place, so the lists read alike.
 */
import { Link } from "@remix-run/react";
import { BlockStack, IndexTable, Text, type IndexTableProps } from "@shopify/polaris";
import { useT } from "~/i18n/I18nProvider";
import type { MessageKey, Translator } from "~/i18n/i18n";
import { customerParam } from "~/components/segments/ids";

export type CustomerRow = {
  customerGid: string;
  displayName: string | null;
  email: string | null;
  rfmGroup: string;
  stage: string;
  ordersCount: number;
  amountSpentMinor: string;
  currency: string | null;
};

/** What a list calls the customer: their name, else their email, else the id. */
export const customerLabel = (c: Pick<CustomerRow, "customerGid" | "displayName" | "email">) => c.displayName ?? c.email ?? customerParam(c.customerGid);

export function customerHeadings(t: Translator["t"]): IndexTableProps["headings"] {
  return [
    { title: t("admin.segments.columns.customer") },
    { title: t("admin.segments.columns.rfm") },
    { title: t("admin.segments.columns.stage") },
    { title: t("admin.segments.columns.orders"), alignment: "end" },
    { title: t("admin.segments.columns.spent"), alignment: "end" },
  ];
}

/** The cells under customerHeadings; `currency` when the profile has none of its own. */
export function CustomerCells({ customer: c, currency }: { customer: CustomerRow; currency: string | null }) {
  const { t, number, money } = useT();
  return (
    <>
      <IndexTable.Cell>
        <BlockStack gap="050">
          <Link to={`/app/customers/${customerParam(c.customerGid)}`}>{customerLabel(c)}</Link>
          {c.displayName && c.email ? (
            <Text as="span" variant="bodySm" tone="subdued">
              {c.email}
            </Text>
          ) : null}
        </BlockStack>
      </IndexTable.Cell>
      {/* Index table cells never wrap: group and stage names may ("En sommeil proche"), so the
          eight columns of the member list fit the page in French too. */}
      <IndexTable.Cell>
        <span style={{ whiteSpace: "normal" }}>{t(`admin.rfmGroups.${c.rfmGroup}` as MessageKey)}</span>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <span style={{ whiteSpace: "normal" }}>{t(`admin.stages.${c.stage}` as MessageKey)}</span>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {number(c.ordersCount)}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {money(c.amountSpentMinor, c.currency ?? currency ?? "USD")}
        </Text>
      </IndexTable.Cell>
    </>
  );
}
