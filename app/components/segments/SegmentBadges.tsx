/** Small status pieces shared by the segment list, detail page and dashboard. */
import { Badge, Text } from "@shopify/polaris";
import { useT } from "~/i18n/I18nProvider";
import { describeSync } from "~/components/segments/describe";

/** The change in members over the last 7 days: "+12", "−3" or "0". */
export function SegmentChange({ change }: { change: number }) {
  const { t, number } = useT();
  const label = change > 0 ? `+${number(change)}` : change < 0 ? `−${number(-change)}` : "0";
  return (
    <span title={t("admin.segments.change7dHelp")}>
      <Text as="span" variant="bodySm" tone={change > 0 ? "success" : change < 0 ? "critical" : "subdued"} numeric>
        {label}
        <span style={{ position: "absolute", width: 1, height: 1, overflow: "hidden", clip: "rect(0 0 0 0)" }}> {t("admin.segments.change7dShort")}</span>
      </Text>
    </span>
  );
}

const SYNC_TONE = { IDLE: "success", PENDING: "info", RUNNING: "info", FAILED: "critical" } as const;

/** Where the segment is synced to in Shopify, and how that sync is doing. */
export function SyncBadge({ mode, status }: { mode: string; status: string }) {
  const { t } = useT();
  const tone = mode === "NONE" ? undefined : SYNC_TONE[status as keyof typeof SYNC_TONE] ?? SYNC_TONE.PENDING;
  return <Badge tone={tone}>{describeSync(mode, status, t)}</Badge>;
}
