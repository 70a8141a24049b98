import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useLocation, useRouteError, isRouteErrorResponse } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { Banner, Box, InlineStack, Page, Text } from "@shopify/polaris";
import polarisEn from "@shopify/polaris/locales/en.json";
import polarisFr from "@shopify/polaris/locales/fr.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { I18nProvider, useT } from "~/i18n/I18nProvider";
import { resolveLocale, type MessageKey } from "~/i18n/i18n";
import { authenticateAdmin, type RequestContext } from "~/shopify.server";
import { env } from "~/env.server";
import { getShop } from "~/domains/shops/shops.server";
import { safeTimeZone } from "~/lib/calendar";
import { NavigationLoading } from "~/components/NavigationLoading";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

/** The document title (inside the admin, Shopify shows its own; the demo and screen readers need one). */
export const meta: MetaFunction = () => [{ title: "Journey" }];

const NAV: { to: string; label: MessageKey }[] = [
  { to: "/app", label: "app.nav.home" },
  { to: "/app/segments", label: "admin.nav.segments" },
  { to: "/app/abandonment", label: "admin.nav.abandonment" },
  { to: "/app/customers", label: "admin.nav.customers" },
  { to: "/app/deliveries", label: "app.nav.deliveries" },
  { to: "/app/privacy", label: "app.nav.privacy" },
  { to: "/app/reviews", label: "storefront.nav.reviews" },
  { to: "/app/storefront", label: "storefront.nav.settings" },
  { to: "/app/settings", label: "admin.nav.settings" },
];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop, demo } = await authenticateAdmin(request, context as RequestContext);
  const shopRow = await getShop(shop);
  return { apiKey: env().SHOPIFY_API_KEY, shop, demo, locale: resolveLocale(request), timeZone: safeTimeZone(shopRow?.ianaTimezone) };
};

/** A section's page and the pages under it (a segment's detail belongs to Segments). */
const isCurrent = (to: string, pathname: string) => pathname === to || (to !== "/app" && pathname.startsWith(`${to}/`));

/** Outside the admin (demo mode) App Bridge's nav does nothing, so the same links render inline. */
function DemoNav({ shop }: { shop: string }) {
  const { t } = useT();
  const location = useLocation();
  return (
    <Box paddingInline="400" paddingBlockStart="300">
      <Banner tone="info">{t("app.demoBanner", { shop })}</Banner>
      <Box paddingBlockStart="300">
        <nav aria-label={t("app.name")}>
          <InlineStack gap="400">
            {NAV.map((item) => (
              <Link key={item.to} to={item.to} aria-current={isCurrent(item.to, location.pathname) ? "page" : undefined} prefetch="intent">
                <Text as="span" variant="bodyMd" fontWeight={isCurrent(item.to, location.pathname) ? "bold" : "regular"}>
                  {t(item.label)}
                </Text>
              </Link>
            ))}
          </InlineStack>
        </nav>
      </Box>
    </Box>
  );
}

function EmbeddedNav() {
  const { t } = useT();
  return (
    <NavMenu>
      {NAV.map((item, i) => (
        <Link key={item.to} to={item.to} rel={i === 0 ? "home" : undefined}>
          {t(item.label)}
        </Link>
      ))}
    </NavMenu>
  );
}

export default function AppLayout() {
  const { apiKey, shop, demo, locale, timeZone } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp={!demo} apiKey={apiKey} i18n={locale === "fr" ? polarisFr : polarisEn}>
      <I18nProvider locale={locale} timeZone={timeZone}>
        <NavigationLoading embedded={!demo} />
        {demo ? <DemoNav shop={shop} /> : <EmbeddedNav />}
        <Outlet />
      </I18nProvider>
    </AppProvider>
  );
}

/**
 * Shopify's auth helpers throw Responses (the bounce page, App Bridge retry headers) that
 * boundary.error renders as-is; every other error gets a page that says what to do next.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && (error.status < 400 || error.status === 401)) return boundary.error(error);
  return <AppError error={error} />;
}

function AppError({ error }: { error: unknown }) {
  const { t } = useT();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return (
    <Page title={status === 404 ? t("errors.notFound") : t("errors.title")}>
      <Banner tone={status === 404 ? "warning" : "critical"} action={{ content: t("admin.errors.home"), url: "/app" }}>
        {status === 404 ? t("admin.errors.notFoundHelp") : t("errors.retry")}
      </Banner>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
