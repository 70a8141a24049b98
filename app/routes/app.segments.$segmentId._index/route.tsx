/**
 * A segment: its rule in words, size and 7-day movement, Shopify sync progress, size history, and
 * the member table: keyset-paginated (any page of 200,000 members costs the same), sortable,
 * searchable by email or name prefix, each member with a "Why" dialog, and a streamed CSV export.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useFetcher, useLoaderData, useNavigate, useNavigation, useSearchParams } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  EmptySearchResult,
  IndexTable,
  InlineGrid,
  InlineStack,
  Layout,
  Modal,
  Page,
  Pagination,
  ProgressBar,
  SkeletonBodyText,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { deleteSegment, getSegment, listSegmentMembers } from "~/domains/segments/segments.server";
import type { MemberSort } from "~/domains/segments/segments.schema";
import { getShop } from "~/domains/shops/shops.server";
import { DownloadButton } from "~/components/DownloadButton";
import { useT } from "~/i18n/I18nProvider";
import type { MessageKey } from "~/i18n/i18n";
import { authenticateAdmin, type RequestContext } from "~/shopify.server";
import { ChartSlot, seriesSummary } from "~/components/charts/ChartSlot";
import { SegmentChange, SyncBadge } from "~/components/segments/SegmentBadges";
import { describeRule } from "~/components/segments/describe";
import { customerParam, parseSegmentId } from "~/components/segments/ids";
import { isSyncActive, syncPercent } from "~/components/dashboard/progress";
import { SegmentReasons } from "~/components/customers/SegmentReasons";
import { CustomerCells, customerHeadings, customerLabel } from "~/components/customers/CustomerCells";
import type { ExplanationView } from "~/components/customers/explanation-view";
import { MEMBER_PAGE_SIZE, memberQuery, pageLinks, type MemberQueryState } from "~/components/segments/member-query";

export const loader = async ({ request, context, params }: LoaderFunctionArgs) => {
  const { shop, demo } = await authenticateAdmin(request, context as RequestContext);
  const id = parseSegmentId(params.segmentId);
  const [segment, shopRow] = await Promise.all([id ? getSegment(shop, id) : null, getShop(shop)]);
  if (!id || !segment) throw new Response("Segment not found", { status: 404 });
  const query = memberQuery(new URL(request.url).searchParams);
  const page = await listSegmentMembers(shop, id, { sort: query.sort, direction: query.direction, search: query.search || undefined, after: query.after ?? undefined, limit: MEMBER_PAGE_SIZE });
  return {
    demo,
    currency: shopRow?.currency ?? null,
    segment: {
      id: segment.id.toString(),
      name: segment.name,
      description: segment.description,
      rule: segment.rule,
      ruleVersion: segment.ruleVersion,
      memberCount: segment.memberCount,
      change7d: segment.change7d,
      last7d: segment.last7d,
      materializedAt: segment.materializedAt,
      sizes: segment.sizes,
      sync: { mode: segment.sync.mode, tag: segment.sync.tag, status: segment.sync.status, error: segment.sync.error, syncedAt: segment.sync.syncedAt, percent: syncPercent(segment.sync.syncedMembers, segment.memberCount) },
    },
    query,
    members: (page?.members ?? []).map((m) => ({ ...m, amountSpentMinor: m.amountSpentMinor.toString() })),
    nextCursor: page?.nextCursor ?? null,
  };
};

export const action = async ({ request, context, params }: ActionFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const id = parseSegmentId(params.segmentId);
  const form = await request.formData();
  if (!id || form.get("intent") !== "delete") throw new Response("Unknown action", { status: 400 });
  await deleteSegment(shop, id);
  return redirect("/app/segments?deleted=1");
};

function ExportButton({ segmentId, demo }: { segmentId: string; demo: boolean }) {
  const { t } = useT();
  return (
    <DownloadButton
      url={`/app/segments/${segmentId}/export`}
      fallbackName="segment.csv"
      label={t("admin.segments.export")}
      failedLabel={t("admin.segments.exportFailed")}
      demo={demo}
    />
  );
}

function WhyDialog({ segmentId, member, currency, onClose }: { segmentId: string; member: { customerGid: string; label: string } | null; currency: string | null; onClose: () => void }) {
  const fetcher = useFetcher<ExplanationView>();
  const { t } = useT();
  const { load } = fetcher;
  const customerGid = member?.customerGid ?? null;
  useEffect(() => {
    if (customerGid) load(`/app/segments/${segmentId}/why/${customerParam(customerGid)}`);
  }, [customerGid, segmentId, load]);
  const view = fetcher.data && fetcher.data.customerGid === member?.customerGid ? fetcher.data : null;
  const reasons = view?.segments[0];
  return (
    <Modal open={Boolean(member)} onClose={onClose} title={t("admin.why.title", { name: member?.label ?? "" })} secondaryActions={member ? [{ content: t("admin.why.openTimeline"), url: `/app/customers/${customerParam(member.customerGid)}` }] : []}>
      <Modal.Section>
        {!view ? (
          <SkeletonBodyText lines={5} />
        ) : (
          <BlockStack gap="300">
            <InlineStack gap="200">
              <Badge>{t(`admin.rfmGroups.${view.rfm.group}` as MessageKey)}</Badge>
              <Badge tone="info">{t(`admin.stages.${view.stage.stage}` as MessageKey)}</Badge>
            </InlineStack>
            <Text as="p" variant="bodySm" tone="subdued">
              {t(`admin.stageReasons.${view.stage.reason}` as MessageKey)}
            </Text>
            {reasons ? <SegmentReasons segment={reasons} currency={currency} /> : <Text as="p">{t("admin.why.notMember")}</Text>}
          </BlockStack>
        )}
      </Modal.Section>
    </Modal>
  );
}

const SORT_COLUMNS: (MemberSort | null)[] = ["name", null, null, null, "amountSpent", "lastOrderAt", "enteredAt", null];

function MemberTable() {
  const { segment, members, nextCursor, query, currency } = useLoaderData<typeof loader>();
  const { t, number, date } = useT();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const [search, setSearch] = useState(query.search);
  const [why, setWhy] = useState<{ customerGid: string; label: string } | null>(null);
  const links = pageLinks(query, nextCursor);
  const go = (next: Partial<MemberQueryState> & { reset?: boolean }) => navigate(`?${links.with(next).toString()}`, { preventScrollReset: true });
  const sortIndex = SORT_COLUMNS.indexOf(query.sort);
  const first = query.trail.length * MEMBER_PAGE_SIZE + 1;
  const loading = navigation.state === "loading" && navigation.location?.pathname === `/app/segments/${segment.id}`;
  return (
    <Card padding="0">
      <div style={{ padding: 12 }}>
        <Form method="get" role="search" aria-label={t("admin.segments.searchMembers")}>
          <input type="hidden" name="sort" value={query.sort} />
          <input type="hidden" name="dir" value={query.direction} />
          <InlineStack gap="200" blockAlign="end" wrap={false}>
            <div style={{ flex: 1 }}>
              <TextField
                label={t("admin.segments.searchMembers")}
                labelHidden
                name="q"
                value={search}
                onChange={setSearch}
                placeholder={t("admin.segments.searchPlaceholder")}
                autoComplete="off"
                clearButton
                onClearButtonClick={() => {
                  setSearch("");
                  go({ search: "", reset: true });
                }}
              />
            </div>
            <Button submit>{t("admin.common.search")}</Button>
          </InlineStack>
        </Form>
      </div>
      <IndexTable
        itemCount={members.length}
        selectable={false}
        loading={loading}
        resourceName={{ singular: t("admin.segments.member"), plural: t("admin.segments.membersLower") }}
        emptyState={
          <EmptySearchResult
            title={query.search ? t("admin.segments.noMatch", { q: query.search }) : t("admin.segments.noMembers")}
            description={query.search ? t("admin.segments.noMatchHelp") : segment.materializedAt ? t("admin.segments.noMembersHelp") : t("admin.segments.computingHelp")}
          />
        }
        sortable={SORT_COLUMNS.map(Boolean)}
        sortColumnIndex={sortIndex >= 0 ? sortIndex : undefined}
        sortDirection={query.direction === "asc" ? "ascending" : "descending"}
        onSort={(index, direction) => {
          const sort = SORT_COLUMNS[index];
          if (sort) go({ sort, direction: direction === "ascending" ? "asc" : "desc", reset: true });
        }}
        headings={[
          ...customerHeadings(t),
          { title: t("admin.segments.columns.lastOrder") },
          { title: t("admin.segments.columns.entered") },
          { title: t("admin.segments.columns.why"), hidden: true },
        ]}
      >
        {members.map((m, i) => {
          const label = customerLabel(m);
          return (
            <IndexTable.Row id={m.customerGid} key={m.customerGid} position={i}>
              <CustomerCells customer={m} currency={currency} />
              <IndexTable.Cell>{m.lastOrderAt ? date(m.lastOrderAt, "date") : "–"}</IndexTable.Cell>
              <IndexTable.Cell>{date(m.enteredAt, "date")}</IndexTable.Cell>
              <IndexTable.Cell>
                <Button variant="plain" onClick={() => setWhy({ customerGid: m.customerGid, label })} accessibilityLabel={t("admin.why.buttonLabel", { name: label })}>
                  {t("admin.why.button")}
                </Button>
              </IndexTable.Cell>
            </IndexTable.Row>
          );
        })}
      </IndexTable>
      <div style={{ padding: 12, display: "flex", justifyContent: "space-between", alignItems: "center", gap: 12, flexWrap: "wrap" }}>
        <Text as="span" variant="bodySm" tone="subdued">
          {members.length
            ? t(query.search ? "admin.segments.showingSearch" : "admin.segments.showing", { from: number(first), to: number(first + members.length - 1), count: segment.memberCount })
            : ""}
        </Text>
        <Pagination
          hasPrevious={query.trail.length > 0}
          onPrevious={() => navigate(`?${links.previous.toString()}`, { preventScrollReset: true })}
          previousTooltip={t("admin.common.previousPage")}
          hasNext={Boolean(nextCursor)}
          onNext={() => links.next && navigate(`?${links.next.toString()}`, { preventScrollReset: true })}
          nextTooltip={t("admin.common.nextPage")}
          label={t("admin.common.page", { n: query.trail.length + 1 })}
        />
      </div>
      <WhyDialog segmentId={segment.id} member={why} currency={currency} onClose={() => setWhy(null)} />
    </Card>
  );
}

export default function SegmentDetail() {
  const { segment, demo, currency } = useLoaderData<typeof loader>();
  const tr = useT();
  const { t, number, date, day, locale } = tr;
  const [params] = useSearchParams();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const syncing = isSyncActive(segment.sync.status);
  return (
    <Page
      title={segment.name}
      subtitle={segment.description ?? undefined}
      backAction={{ content: t("admin.segments.title"), url: "/app/segments" }}
      primaryAction={{ content: t("admin.segments.edit"), url: `/app/segments/${segment.id}/edit` }}
      secondaryActions={[{ content: t("admin.segments.delete"), destructive: true, onAction: () => setConfirmDelete(true) }]}
    >
      <Layout>
        {params.get("created") || params.get("saved") ? (
          <Layout.Section>
            <Banner tone="success" title={t(params.get("created") ? "admin.segments.createdBanner" : "admin.segments.savedBanner")}>
              <p>{t("admin.segments.materializingHelp")}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {segment.sync.status === "FAILED" ? (
          <Layout.Section>
            <Banner tone="critical" title={t("admin.segments.syncFailedTitle")}>
              <p>{segment.sync.error ? t("admin.segments.syncFailedReason", { error: segment.sync.error }) : null}</p>
              <p>{t("admin.segments.syncFailedHelp")}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <InlineGrid columns={{ xs: 1, sm: 3 }} gap="300">
                <BlockStack gap="050">
                  <Text as="h2" variant="bodySm" tone="subdued">
                    {t("admin.segments.members")}
                  </Text>
                  <Text as="p" variant="headingXl">
                    {number(segment.memberCount)}
                  </Text>
                </BlockStack>
                <BlockStack gap="050">
                  <Text as="h2" variant="bodySm" tone="subdued">
                    {t("admin.segments.change7d")}
                  </Text>
                  <InlineStack gap="200" blockAlign="center">
                    <SegmentChange change={segment.change7d} />
                    <Text as="span" variant="bodySm" tone="subdued">
                      {t("admin.segments.enteredExited", { entered: number(segment.last7d.entered), exited: number(segment.last7d.exited) })}
                    </Text>
                  </InlineStack>
                </BlockStack>
                <BlockStack gap="100">
                  <Text as="h2" variant="bodySm" tone="subdued">
                    {t("admin.segments.syncColumn")}
                  </Text>
                  <SyncBadge mode={segment.sync.mode} status={segment.sync.status} />
                  {syncing ? <ProgressBar progress={segment.sync.percent} size="small" ariaLabelledBy="sync-label" /> : null}
                  <span id="sync-label" style={{ position: "absolute", width: 1, height: 1, overflow: "hidden", clip: "rect(0 0 0 0)" }}>
                    {t("admin.segments.syncProgress", { percent: segment.sync.percent })}
                  </span>
                </BlockStack>
              </InlineGrid>
              <Text as="h2" variant="headingSm">
                {t("admin.segments.rule")}
              </Text>
              <Text as="p">{describeRule(segment.rule, tr, currency)}</Text>
              <Text as="p" variant="bodySm" tone="subdued">
                {segment.materializedAt ? t("admin.segments.updatedAt", { at: date(segment.materializedAt), version: segment.ruleVersion }) : t("admin.segments.computingHelp")}
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                {t("admin.segments.sizeHistory")}
              </Text>
              {segment.sizes.length === 1 ? (
                // One recorded day draws a lone dot: say what there is and when the line starts.
                <Text as="p" tone="subdued">
                  {t("admin.segments.sizeHistoryStarts", { day: day(segment.sizes[0]!.day), count: segment.sizes[0]!.size })}
                </Text>
              ) : (
                <ChartSlot
                  kind="line"
                  height={180}
                  series={[{ name: t("admin.segments.members"), points: segment.sizes.map((s) => ({ key: s.day, value: s.size })) }]}
                  format="count"
                  summary={seriesSummary(segment.sizes.map((s) => ({ value: s.size })), (v) => number(Math.round(v)), t)}
                  locale={locale}
                  emptyText={t("admin.common.noData")}
                  loadingLabel={t("admin.common.loadingChart")}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="200">
            <InlineStack align="space-between" blockAlign="center">
              <Text as="h2" variant="headingMd">
                {t("admin.segments.memberList")}
              </Text>
              <ExportButton segmentId={segment.id} demo={demo} />
            </InlineStack>
            <MemberTable />
          </BlockStack>
        </Layout.Section>
      </Layout>
      <Modal
        open={confirmDelete}
        onClose={() => setConfirmDelete(false)}
        title={t("admin.segments.deleteTitle", { name: segment.name })}
        primaryAction={{ content: t("admin.segments.delete"), destructive: true, onAction: () => (document.getElementById("delete-segment") as HTMLFormElement | null)?.requestSubmit() }}
        secondaryActions={[{ content: t("admin.common.cancel"), onAction: () => setConfirmDelete(false) }]}
      >
        <Modal.Section>
          <Form method="post" id="delete-segment">
            <input type="hidden" name="intent" value="delete" />
            <Text as="p">{t("admin.segments.deleteBody")}</Text>
          </Form>
        </Modal.Section>
      </Modal>
    </Page>
  );
}
