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

export function ChartSlot(props: TrendChartProps & { height?: number; loadingLabel: string }) {
  const { height = 240, loadingLabel, ...chart } = props;
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return (
    <div style={{ height, position: "relative" }}>
      {mounted ? (
        <Suspense fallback={<Placeholder height={height} label={loadingLabel} />}>
          <TrendChart {...chart} />
        </Suspense>
      ) : (
        <Placeholder height={height} label={loadingLabel} />
      )}
    </div>
  );
}
