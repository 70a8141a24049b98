/**
 * Whether one of a customer's orders counts, in words: shared by the customer page and the report
 * CLI so both say the same. Pure (takes the translator).
 */
import type { ExplanationView } from "~/components/customers/explanation-view";
import type { MessageKey, Translator } from "~/i18n/i18n";

type Order = Pick<ExplanationView["orders"][number], "excludedBecause" | "spendExcludedBecause">;

/** "Counts", "No: test order", or "Counts for recency and frequency, not for spend: another currency". */
export function orderCountsText(o: Order, t: Translator["t"]): string {
  if (o.excludedBecause) return t(`admin.customer.excluded.${o.excludedBecause}` as MessageKey);
  if (o.spendExcludedBecause) return t(`admin.customer.countedNoSpend.${o.spendExcludedBecause}` as MessageKey);
  return t("admin.customer.counted");
}
