/**
 * Charts (@shopify/polaris-viz, ~600 KB) load after the page is interactive, in a slot whose
 * height is reserved from the first server render: the page's largest paint is its text, and the
 * chart arriving shifts nothing (LCP and CLS budgets of PRODUCT.md).
 */
import { Suspense, lazy, useEffect, useState } from "react";
import { SkeletonBodyText } from "@shopify/polaris";
import type { TrendChartProps } from "~/components/charts/TrendChart";

const TrendChart = lazy(() => import("~/components/charts/TrendChart"));

function Placeholder({ height, label }: { height: number; label: string }) {
  return (
    <div style={{ height, overflow: "hidden" }} aria-busy="true" aria-label={label}>
      <SkeletonBodyText lines={4} />
    </div>
  );
}

/**
 * `summary` is the chart in words for assistive technology (the drawing itself is hidden from it:
 * an SVG of points says nothing to a screen reader).
 */
export function ChartSlot(props: TrendChartProps & { height?: number; loadingLabel: string; summary: string }) {
  const { height = 240, loadingLabel, summary, ...chart } = props;
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return (
    <figure style={{ height, position: "relative", margin: 0 }}>
      {/* inert: the drawing's own focus targets (tooltips) are skipped too; React 18 has no inert prop. */}
      <div aria-hidden="true" style={{ height: "100%" }} ref={(el) => el?.setAttribute("inert", "")}>
        {mounted ? (
          <Suspense fallback={<Placeholder height={height} label={loadingLabel} />}>
            <TrendChart {...chart} />
          </Suspense>
        ) : (
          <Placeholder height={height} label={loadingLabel} />
        )}
      </div>
      <figcaption style={{ position: "absolute", width: 1, height: 1, overflow: "hidden", clip: "rect(0 0 0 0)", whiteSpace: "nowrap" }}>{summary}</figcaption>
    </figure>
  );
}

/** "from 12 % to 80 %, 45 % on average over 30 days" for a series of values. */
export function seriesSummary(points: { value: number | null }[], format: (v: number) => string, t: (key: "admin.common.chartSummary" | "admin.common.noData", vars?: Record<string, string | number>) => string): string {
  const values = points.map((p) => p.value).filter((v): v is number => v !== null && Number.isFinite(v));
  if (!values.length) return t("admin.common.noData");
  const avg = values.reduce((a, b) => a + b, 0) / values.length;
  return t("admin.common.chartSummary", { min: format(Math.min(...values)), max: format(Math.max(...values)), avg: format(avg), days: points.length });
}
