/**
 * "Why is this customer in this segment": each condition of the rule with whether it holds now,
 * and the values the rule read when the customer entered.
 */
import { BlockStack, Box, Icon, InlineStack, Text } from "@shopify/polaris";
import { CheckIcon, XIcon } from "@shopify/polaris-icons";
import type { ExplanationView } from "~/components/customers/explanation-view";
import { describeCondition, describeFact } from "~/components/segments/describe";
import { useT } from "~/i18n/I18nProvider";

export function SegmentReasons({ segment, currency }: { segment: ExplanationView["segments"][number]; currency: string | null }) {
  const tr = useT();
  const { t, date } = tr;
  const facts = Object.entries(segment.factsAtEntry ?? {}).map(([key, value]) => ({ key, ...describeFact(key, value, tr, currency) }));
  return (
    <BlockStack gap="300">
      <Text as="p" variant="bodySm" tone="subdued">
        {t("admin.why.entered", { at: date(segment.enteredAt), version: segment.ruleVersion })}
      </Text>
      <BlockStack gap="100">
        <Text as="h4" variant="headingSm">
          {t("admin.why.conditions")}
        </Text>
        <ul style={{ listStyle: "none", margin: 0, padding: 0 }}>
          {segment.conditions.map((c) => (
            <li key={c.path}>
              <InlineStack gap="200" blockAlign="center" wrap={false}>
                <span aria-hidden="true">
                  <Icon source={c.holds ? CheckIcon : XIcon} tone={c.holds ? "success" : "critical"} />
                </span>
                <Text as="span">
                  {describeCondition(c.condition, tr, currency)}
                  <span style={{ position: "absolute", width: 1, height: 1, overflow: "hidden", clip: "rect(0 0 0 0)" }}>
                    {" "}
                    {c.holds ? t("admin.why.holds") : t("admin.why.doesNotHold")}
                  </span>
                </Text>
              </InlineStack>
            </li>
          ))}
        </ul>
      </BlockStack>
      {facts.length ? (
        <Box>
          <Text as="h4" variant="headingSm">
            {t("admin.why.factsAtEntry")}
          </Text>
          <dl style={{ display: "grid", gridTemplateColumns: "auto 1fr", gap: "2px 12px", margin: "4px 0 0" }}>
            {facts.map(({ key, label, value }) => (
              <div key={key} style={{ display: "contents" }}>
                <dt>
                  <Text as="span" tone="subdued">
                    {label}
                  </Text>
                </dt>
                <dd style={{ margin: 0 }}>{value}</dd>
              </div>
            ))}
          </dl>
        </Box>
      ) : null}
    </BlockStack>
  );
}
