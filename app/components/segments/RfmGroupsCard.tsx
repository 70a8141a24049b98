/**
 * The shop's customers per RFM group (the 11 named groups of the R×F grid, then Prospects): how
 * many, their share, what they spent in the lookback window, and a segment to start from each.
 */
import { BlockStack, Box, Button, Card, DataTable, Text } from "@shopify/polaris";
import { useT } from "~/i18n/I18nProvider";
import { rfmGroupRows, type RfmGroupCount } from "~/components/customers/rfm-text";

export function RfmGroupsCard({ groups, lookbackDays, currency }: { groups: RfmGroupCount[]; lookbackDays: number; currency: string }) {
  const tr = useT();
  const { t, number } = tr;
  const rows = rfmGroupRows(groups, tr, currency);
  return (
    <Card padding="0">
      <BlockStack gap="200">
        <Box padding="400" paddingBlockEnd="0">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              {t("admin.segments.rfm.title")}
            </Text>
            <Text as="p" tone="subdued">
              {t("admin.segments.rfm.body", { days: number(lookbackDays) })}
            </Text>
          </BlockStack>
        </Box>
        {rows.every((g) => g.customers === 0) ? (
          <Box padding="400" paddingBlockStart="0">
            <Text as="p">{t("admin.segments.rfm.empty")}</Text>
          </Box>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "text"]}
            headings={[
              t("admin.segments.rfm.group"),
              t("admin.segments.rfm.scores"),
              t("admin.segments.rfm.customers"),
              t("admin.segments.rfm.share"),
              t("admin.segments.rfm.spent", { days: number(lookbackDays) }),
              "",
            ]}
            rows={rows.map((g) => [
              g.name,
              g.cell,
              number(g.customers),
              g.share,
              g.spent,
              g.customers > 0 ? (
                <Button key={g.group} variant="plain" url={`/app/segments/new?rfmGroup=${g.group}`} accessibilityLabel={t("admin.segments.rfm.createLabel", { group: g.name })}>
                  {t("admin.segments.rfm.create")}
                </Button>
              ) : (
                ""
              ),
            ])}
          />
        )}
      </BlockStack>
    </Card>
  );
}
