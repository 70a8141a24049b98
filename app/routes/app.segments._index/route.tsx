/** Segment list: size, 7-day change, Shopify sync state; starting points for a fresh shop. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BlockStack, Button, Card, EmptyState, IndexTable, InlineStack, Page, Text } from "@shopify/polaris";
import { listRfmGroups, listSegments } from "~/domains/segments/segments.server";
import { parseSettings } from "~/domains/shops/settings";
import { getShop } from "~/domains/shops/shops.server";
import { useT } from "~/i18n/I18nProvider";
import { authenticateAdmin, type RequestContext } from "~/shopify.server";
import { SegmentChange, SyncBadge } from "~/components/segments/SegmentBadges";
import { SEGMENT_TEMPLATES } from "~/components/segments/templates";
import { RfmGroupsCard } from "~/components/segments/RfmGroupsCard";

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const [segments, groups, shopRow] = await Promise.all([listSegments(shop), listRfmGroups(shop), getShop(shop)]);
  return {
    rfm: {
      groups: groups.map((g) => ({ ...g, windowSpentMinor: g.windowSpentMinor.toString() })),
      lookbackDays: parseSettings(shopRow?.settings).rfm.lookbackDays,
      currency: shopRow?.currency ?? "USD",
    },
    segments: segments.map((s) => ({
      id: s.id.toString(),
      name: s.name,
      description: s.description,
      memberCount: s.memberCount,
      change7d: s.change7d,
      materializedAt: s.materializedAt,
      sync: { mode: s.sync.mode, status: s.sync.status },
    })),
  };
};

export default function Segments() {
  const { segments, rfm } = useLoaderData<typeof loader>();
  const { t, number, date } = useT();
  return (
    <Page title={t("admin.segments.title")} subtitle={t("admin.segments.subtitle")} primaryAction={{ content: t("admin.segments.create"), url: "/app/segments/new" }}>
      <BlockStack gap="400">
        {segments.length === 0 ? (
          <Card>
            <EmptyState heading={t("admin.segments.emptyTitle")} image="" action={{ content: t("admin.segments.create"), url: "/app/segments/new" }}>
              <BlockStack gap="300">
                <p>{t("admin.segments.emptyBody")}</p>
                <InlineStack gap="200" align="center">
                  {SEGMENT_TEMPLATES.map((tpl) => (
                    <Button key={tpl.id} url={`/app/segments/new?template=${tpl.id}`} variant="plain">
                      {t(`admin.segments.templates.${tpl.id}`)}
                    </Button>
                  ))}
                </InlineStack>
              </BlockStack>
            </EmptyState>
          </Card>
        ) : (
          <Card padding="0">
            <IndexTable
              itemCount={segments.length}
              selectable={false}
              resourceName={{ singular: t("admin.segments.singular"), plural: t("admin.segments.plural") }}
              headings={[
                { title: t("admin.segments.name") },
                { title: t("admin.segments.members"), alignment: "end" },
                { title: t("admin.segments.change7d"), alignment: "end" },
                { title: t("admin.segments.syncColumn") },
                { title: t("admin.segments.updated") },
              ]}
            >
              {segments.map((s, i) => (
                <IndexTable.Row id={s.id} key={s.id} position={i}>
                  <IndexTable.Cell>
                    <BlockStack gap="050">
                      <Link to={`/app/segments/${s.id}`}>
                        <Text as="span" fontWeight="semibold">
                          {s.name}
                        </Text>
                      </Link>
                      {s.description ? (
                        <Text as="span" variant="bodySm" tone="subdued" truncate>
                          {s.description}
                        </Text>
                      ) : null}
                    </BlockStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {number(s.memberCount)}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <div style={{ textAlign: "end" }}>
                      <SegmentChange change={s.change7d} />
                    </div>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <SyncBadge mode={s.sync.mode} status={s.sync.status} />
                  </IndexTable.Cell>
                  <IndexTable.Cell>{s.materializedAt ? date(s.materializedAt) : t("admin.segments.computing")}</IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          </Card>
        )}
        <RfmGroupsCard groups={rfm.groups} lookbackDays={rfm.lookbackDays} currency={rfm.currency} />
      </BlockStack>
    </Page>
  );
}
