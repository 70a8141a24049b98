/**
 * "Where checkouts stop": the step funnel (abandonment.ts stepFunnel) for all checkouts, or side by
 * side for the main values of a split (device, channel, traffic source).
 */
import { BlockStack, Box, Card, DataTable, Tabs, Text } from "@shopify/polaris";
import { useState } from "react";
import { CHECKOUT_STEPS, type FunnelStep, type StepSplit } from "~/domains/abandonment/abandonment";
import { useT } from "~/i18n/I18nProvider";
import { breakdownValue } from "~/components/abandonment/abandonment-text";

type Funnel = { value: string; started: number; steps: FunnelStep[] };

export function StepFunnelCard({ funnels }: { funnels: { split: StepSplit; funnels: Funnel[] }[] }) {
  const { t, number, percent } = useT();
  const [selected, setSelected] = useState(0);
  const current = funnels[selected]!;
  const stepName = (step: number) => t(`admin.abandonment.steps.names.${CHECKOUT_STEPS[step]!}`);
  const whole = funnels.find((f) => f.split === "all")?.funnels[0];
  const total = (k: "abandoned" | "noContact") => whole?.steps.reduce((n, s) => n + s[k], 0) ?? 0;
  return (
    <Card padding="0">
      <Tabs
        tabs={funnels.map((f) => ({ id: `steps-${f.split}`, content: t(`admin.abandonment.steps.splits.${f.split}`), panelID: `steps-panel-${f.split}` }))}
        selected={selected}
        onSelect={setSelected}
      >
        <Box padding="300" id={`steps-panel-${current.split}`}>
          <BlockStack gap="200">
            <Text as="p" variant="bodySm" tone="subdued">
              {t("admin.abandonment.steps.help")}
              {current.split === "all" ? "" : ` ${t("admin.abandonment.steps.cellHelp")}`}
            </Text>
            {current.funnels.length === 0 ? (
              <Text as="p" tone="subdued">
                {t("admin.common.noData")}
              </Text>
            ) : current.split === "all" ? (
              <DataTable
                columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                headings={[t("admin.abandonment.steps.step"), t("admin.abandonment.steps.reached"), t("admin.abandonment.steps.stopped"), t("admin.abandonment.steps.dropOff")]}
                rows={current.funnels[0]!.steps.map((s) => [stepName(s.step), number(s.reached), number(s.stopped), percent(s.dropOff)])}
              />
            ) : (
              <DataTable
                columnContentTypes={["text", ...current.funnels.map(() => "numeric" as const)]}
                headings={[t("admin.abandonment.steps.step"), ...current.funnels.map((f) => breakdownValue(current.split, f.value, t))]}
                rows={CHECKOUT_STEPS.map((_, step) => [
                  stepName(step),
                  ...current.funnels.map((f) => {
                    const s = f.steps[step]!;
                    return t("admin.abandonment.steps.cell", { rate: percent(s.dropOff), stopped: number(s.stopped), reached: number(s.reached) });
                  }),
                ])}
              />
            )}
            {whole ? (
              <Text as="p" variant="bodySm" tone="subdued">
                {t("admin.abandonment.steps.reconcile", { abandoned: number(total("abandoned")), noContact: number(total("noContact")) })}
              </Text>
            ) : null}
          </BlockStack>
        </Box>
      </Tabs>
    </Card>
  );
}
