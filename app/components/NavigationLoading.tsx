/**
 * Page loading state while a navigation's data is on its way: inside the Shopify admin, App
 * Bridge's own loading bar; in the demo mode, a thin bar at the top of the page (fixed position,
 * so it shifts nothing).
 */
import { useNavigation } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { useEffect } from "react";
import { useT } from "~/i18n/I18nProvider";

function EmbeddedLoading({ loading }: { loading: boolean }) {
  const shopify = useAppBridge();
  useEffect(() => {
    shopify.loading(loading);
  }, [shopify, loading]);
  return null;
}

export function NavigationLoading({ embedded }: { embedded: boolean }) {
  const navigation = useNavigation();
  const { t } = useT();
  const loading = navigation.state === "loading";
  if (embedded) return <EmbeddedLoading loading={loading} />;
  return loading ? (
    <div role="progressbar" aria-label={t("admin.common.loading")} aria-busy="true" style={{ position: "fixed", top: 0, left: 0, right: 0, height: 3, zIndex: 1000, overflow: "hidden" }}>
      <div style={{ height: "100%", width: "40%", background: "var(--p-color-bg-fill-brand)", animation: "journey-loading 1s ease-in-out infinite" }} />
      <style>{"@keyframes journey-loading{0%{transform:translateX(-100%)}100%{transform:translateX(250%)}}"}</style>
    </div>
  ) : null;
}
