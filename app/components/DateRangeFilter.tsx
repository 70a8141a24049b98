/**
 * The date range control of report pages: presets (last 7/30/90/365 days) and a custom from–to,
 * submitted as GET parameters (app/lib/date-range.ts reads them), so every range is a link.
 */
import { Form, useSubmit } from "@remix-run/react";
import { Banner, Button, InlineStack, Select, TextField } from "@shopify/polaris";
import { useState } from "react";
import { useT } from "~/i18n/I18nProvider";
import { RANGE_PRESETS, type RangeError, type RangeSelection } from "~/lib/date-range";

export function DateRangeFilter({ selection }: { selection: Pick<RangeSelection, "range" | "preset" | "error"> }) {
  const { t } = useT();
  const submit = useSubmit();
  const [from, setFrom] = useState(selection.range.from);
  const [to, setTo] = useState(selection.range.to);
  const [mode, setMode] = useState(selection.preset ? String(selection.preset) : "custom");
  const options = [...RANGE_PRESETS.map((d) => ({ label: t("admin.range.lastDays", { days: d }), value: String(d) })), { label: t("admin.range.custom"), value: "custom" }];
  return (
    <Form method="get" aria-label={t("admin.range.label")}>
      <InlineStack gap="300" blockAlign="end" wrap>
        <div style={{ minWidth: 180 }}>
          <Select
            label={t("admin.range.label")}
            options={options}
            value={mode}
            onChange={(value) => {
              setMode(value);
              if (value !== "custom") submit({ days: value }, { method: "get", preventScrollReset: true });
            }}
          />
        </div>
        {mode === "custom" ? (
          <>
            <TextField label={t("admin.range.from")} type="date" name="from" value={from} onChange={setFrom} autoComplete="off" />
            <TextField label={t("admin.range.to")} type="date" name="to" value={to} onChange={setTo} autoComplete="off" />
            <Button submit>{t("admin.range.apply")}</Button>
          </>
        ) : null}
      </InlineStack>
      {selection.error ? <RangeErrorBanner error={selection.error} /> : null}
    </Form>
  );
}

function RangeErrorBanner({ error }: { error: RangeError }) {
  const { t } = useT();
  return (
    <div style={{ marginTop: 12 }}>
      <Banner tone="warning" title={t(`admin.range.errors.${error}`)}>
        {t("admin.range.errors.fallback")}
      </Banner>
    </div>
  );
}
