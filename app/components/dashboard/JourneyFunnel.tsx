/**
 * The journey funnel AWARENESS → ADVOCACY over the chosen range: per stage, customers there during
 * the period (at its start plus those who entered) with a bar, and between stages the share that
 * moved on, with both numbers. Plain server-rendered markup: no chart library, nothing to shift.
 */
import { BlockStack, Box, InlineStack, Text } from "@shopify/polaris";
import type { FunnelStep } from "~/domains/journey/journey.server";
import { useT } from "~/i18n/I18nProvider";

export function JourneyFunnel({ steps }: { steps: FunnelStep[] }) {
  const { t, number, percent } = useT();
  const max = Math.max(1, ...steps.map((s) => s.atStart + s.entered));
  return (
    <ol style={{ listStyle: "none", margin: 0, padding: 0 }} aria-label={t("admin.funnel.title")}>
      {steps.map((step) => {
        const present = step.atStart + step.entered;
        return (
          <li key={step.stage} style={{ marginBottom: 8 }}>
            <BlockStack gap="100">
              <InlineStack align="space-between" blockAlign="baseline" wrap={false} gap="200">
                <Text as="span" variant="headingSm">
                  {t(`admin.stages.${step.stage}`)}
                </Text>
                <Text as="span" variant="bodySm" tone="subdued">
                  {t("admin.funnel.stepFigures", { present: number(present), entered: number(step.entered), now: number(step.customers) })}
                </Text>
              </InlineStack>
              <div style={{ height: 12, borderRadius: 6, background: "var(--p-color-bg-surface-secondary)" }} aria-hidden="true">
                <div style={{ width: `${Math.max(present > 0 ? 1 : 0, (present / max) * 100)}%`, height: "100%", borderRadius: 6, background: "var(--p-color-bg-fill-info)" }} />
              </div>
              {step.conversion ? (
                <Box paddingInlineStart="200">
                  <Text as="p" variant="bodySm" tone="subdued">
                    {step.conversion.rate === null
                      ? t("admin.funnel.noBase")
                      : t("admin.funnel.movedOn", { rate: percent(step.conversion.rate), advanced: number(step.conversion.advanced), base: number(step.conversion.base) })}
                  </Text>
                </Box>
              ) : null}
            </BlockStack>
          </li>
        );
      })}
    </ol>
  );
}
