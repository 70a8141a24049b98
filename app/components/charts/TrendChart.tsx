/**
 * A line or bar chart of daily figures (polaris-viz), loaded lazily through ChartSlot. The data
 * arrives already labelled and formatted by the page's translator.
 */
import "@shopify/polaris-viz/build/esm/styles.css";
import { BarChart, LineChart, PolarisVizProvider } from "@shopify/polaris-viz";

export type TrendSeries = { name: string; points: { key: string; value: number | null }[] };
export type TrendChartProps = {
  kind: "line" | "bar";
  series: TrendSeries[];
  /** Formats y values (percent, money, counts) in the page's locale. */
  format: "percent" | "count" | { currency: string; locale: string };
  locale: string;
  emptyText: string;
};

function formatter(format: TrendChartProps["format"], locale: string) {
  if (format === "percent") return (v: number | string | null) => new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(Number(v ?? 0));
  if (format === "count") return (v: number | string | null) => new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(Number(v ?? 0));
  return (v: number | string | null) => new Intl.NumberFormat(format.locale, { style: "currency", currency: format.currency, maximumFractionDigits: 0 }).format(Number(v ?? 0));
}

function dayLabel(locale: string) {
  const f = new Intl.DateTimeFormat(locale, { month: "short", day: "numeric", timeZone: "UTC" });
  return (key: number | string | null) => (typeof key === "string" && /^\d{4}-\d{2}-\d{2}$/.test(key) ? f.format(new Date(`${key}T00:00:00Z`)) : String(key ?? ""));
}

export default function TrendChart({ kind, series, format, locale, emptyText }: TrendChartProps) {
  const data = series.map((s) => ({ name: s.name, data: s.points }));
  const yAxisOptions = { labelFormatter: formatter(format, locale) };
  const xAxisOptions = { labelFormatter: dayLabel(locale) };
  return (
    <PolarisVizProvider themes={{ Light: { chartContainer: { padding: "0", backgroundColor: "transparent" } } }}>
      {kind === "line" ? (
        <LineChart data={data} theme="Light" isAnimated={false} emptyStateText={emptyText} yAxisOptions={yAxisOptions} xAxisOptions={xAxisOptions} />
      ) : (
        <BarChart data={data} theme="Light" isAnimated={false} emptyStateText={emptyText} yAxisOptions={yAxisOptions} xAxisOptions={xAxisOptions} />
      )}
    </PolarisVizProvider>
  );
}
