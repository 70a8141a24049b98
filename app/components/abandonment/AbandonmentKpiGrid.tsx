/**
 * The four abandonment KPIs (rate with its denominator, abandoned value per checkout currency,
 * recovered revenue link- and window-attributed), shared by the home dashboard and the
 * abandonment page so both say the same thing the same way.
 */
import { BlockStack, Box, InlineGrid, Text } from "@shopify/polaris";
import type { AbandonmentKpis } from "~/domains/abandonment/abandonment.server";
import { useT } from "~/i18n/I18nProvider";

function Kpi({ label, value, detail }: { label: string; value: string; detail: string }) {
  return (
    <Box padding="300" background="bg-surface-secondary" borderRadius="200">
      <BlockStack gap="100">
        <Text as="h3" variant="bodySm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingLg">
          {value}
        </Text>
        <Text as="p" variant="bodySm" tone="subdued">
          {detail}
        </Text>
      </BlockStack>
    </Box>
  );
}

export function AbandonmentKpiGrid({ kpis, shopCurrency }: { kpis: Pick<AbandonmentKpis, "abandonmentRate" | "imported" | "abandonedValue" | "recovered">; shopCurrency: string }) {
  const { t, number, money, percent } = useT();
  const [firstValue, ...otherValues] = kpis.abandonedValue;
  const recovered = (r: { checkouts: number; rate: number | null }) => t("admin.abandonment.recoveredDetail", { count: r.checkouts, rate: percent(r.rate) });
  return (
    <InlineGrid columns={{ xs: 1, sm: 2, lg: 4 }} gap="300">
      <Kpi
        label={t("admin.abandonment.rate")}
        value={percent(kpis.abandonmentRate.rate)}
        detail={[
          t("admin.abandonment.rateDetail", { abandoned: number(kpis.abandonmentRate.abandoned), count: kpis.abandonmentRate.started }),
          // The history import's abandoned checkouts have no started count to go with: beside the rate, never in it.
          ...(kpis.imported.abandoned ? [t("admin.abandonment.importedDetail", { count: kpis.imported.abandoned })] : []),
        ].join(" · ")}
      />
      {/* Checkout values stay in their own currencies (never converted): the first one large, the others below. */}
      <Kpi
        label={t("admin.abandonment.abandonedValue")}
        value={firstValue ? money(firstValue.minor, firstValue.currency) : money(0, shopCurrency)}
        detail={otherValues.length ? otherValues.map((v) => money(v.minor, v.currency)).join(" · ") : t("admin.abandonment.checkoutCurrency")}
      />
      <Kpi label={t("admin.abandonment.recoveredLink")} value={money(kpis.recovered.link.revenueMinor, shopCurrency)} detail={recovered(kpis.recovered.link)} />
      <Kpi
        label={t("admin.abandonment.recoveredWindow", { days: kpis.recovered.window.days })}
        value={money(kpis.recovered.window.revenueMinor, shopCurrency)}
        detail={recovered(kpis.recovered.window)}
      />
    </InlineGrid>
  );
}
