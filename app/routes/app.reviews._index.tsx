/** Review moderation queue (admin): publish or reject, filtered by status. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useFetcher, useLoaderData, useNavigate } from "@remix-run/react";
import { Badge, BlockStack, Button, ButtonGroup, Card, EmptyState, IndexTable, InlineStack, Page, Pagination, Tabs, Text } from "@shopify/polaris";
import { z } from "zod";
import { getModerationQueue, moderateReview } from "~/domains/reviews/reviews.server";
import { MODERATION_STATUSES } from "~/domains/reviews/statuses";
import { customerParam } from "~/components/segments/ids";
import { useT } from "~/i18n/I18nProvider";
import { authenticateAdmin, type RequestContext } from "~/shopify.server";

const PAGE_SIZE = 25;

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const url = new URL(request.url);
  const param = url.searchParams.get("status");
  const status = param === "all" ? null : (MODERATION_STATUSES.find((s) => s === param) ?? "PENDING");
  const page = Math.max(0, Math.min(10_000, Number(url.searchParams.get("page")) || 0));
  return { status, page, pageSize: PAGE_SIZE, ...(await getModerationQueue(shop, status, page, PAGE_SIZE)) };
};

const Moderation = z.object({ id: z.string().regex(/^\d{1,19}$/), status: z.enum(["PUBLISHED", "REJECTED"]) });

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const parsed = Moderation.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return new Response(JSON.stringify({ ok: false }), { status: 422, headers: { "Content-Type": "application/json" } });
  return { ok: true, outcome: await moderateReview(shop, BigInt(parsed.data.id), parsed.data.status) };
};

const TONE = { PENDING: "attention", PUBLISHED: "success", REJECTED: undefined } as const;

function ModerateButtons({ id, status }: { id: string; status: keyof typeof TONE }) {
  const fetcher = useFetcher();
  const { t } = useT();
  const busy = fetcher.state !== "idle";
  const submit = (to: "PUBLISHED" | "REJECTED") => fetcher.submit({ id, status: to }, { method: "post" });
  return (
    <ButtonGroup>
      {status !== "PUBLISHED" ? (
        <Button variant="primary" loading={busy} onClick={() => submit("PUBLISHED")}>
          {t("storefront.reviews.publish")}
        </Button>
      ) : null}
      {status !== "REJECTED" ? (
        <Button tone="critical" loading={busy} onClick={() => submit("REJECTED")}>
          {t("storefront.reviews.reject")}
        </Button>
      ) : null}
    </ButtonGroup>
  );
}

export default function ReviewsModeration() {
  const { status, counts, reviews, page, pageSize, total } = useLoaderData<typeof loader>();
  const { t, date, number } = useT();
  const navigate = useNavigate();
  const tabIds = [...MODERATION_STATUSES, "all"] as const;
  const tabs = tabIds.map((id) => ({ id, content: id === "all" ? t("storefront.reviews.tabs.all") : `${t(`storefront.reviews.tabs.${id}`)} (${number(counts[id])})` }));
  return (
    <Page title={t("storefront.reviews.title")} subtitle={t("storefront.reviews.subtitle")}>
      <Card padding="0">
        <Tabs tabs={tabs} selected={tabIds.indexOf(status ?? "all")} onSelect={(i) => navigate(`?status=${tabIds[i]}`)} />
        {reviews.length === 0 ? (
          <EmptyState heading={t("storefront.reviews.empty")} image="" />
        ) : (
          <IndexTable
            itemCount={reviews.length}
            selectable={false}
            headings={[
              { title: t("storefront.reviews.review") },
              { title: t("storefront.reviews.rating") },
              { title: t("storefront.reviews.author") },
              { title: t("storefront.reviews.product") },
              { title: t("storefront.reviews.date") },
              { title: t("storefront.reviews.status") },
              { title: "" },
            ]}
          >
            {reviews.map((r, i) => (
              <IndexTable.Row id={r.id} key={r.id} position={i}>
                <IndexTable.Cell>
                  <BlockStack gap="100">
                    {r.title ? (
                      <Text as="span" fontWeight="semibold">
                        {r.title}
                      </Text>
                    ) : null}
                    <Text as="span" breakWord>
                      {r.body.length > 280 ? `${r.body.slice(0, 280)}…` : r.body}
                    </Text>
                  </BlockStack>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <span aria-label={t("storefront.reviews.stars", { rating: r.rating })}>{"★".repeat(r.rating) + "☆".repeat(5 - r.rating)}</span>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <InlineStack gap="100">
                    {/* A signed-in author's journey, for support staff asking who wrote this. */}
                    {r.customerGid ? <Link to={`/app/customers/${customerParam(r.customerGid)}`}>{r.author}</Link> : <Text as="span">{r.author}</Text>}
                    {/* Said either way: an unverified buyer is why most reviews wait here. */}
                    {r.verified ? <Badge tone="success">{t("storefront.reviews.verified")}</Badge> : <Badge>{t("storefront.reviews.notVerified")}</Badge>}
                  </InlineStack>
                </IndexTable.Cell>
                <IndexTable.Cell>{r.productTitle ?? r.productId}</IndexTable.Cell>
                <IndexTable.Cell>{date(r.createdAt)}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Badge tone={TONE[r.status]}>{t(`storefront.reviews.statuses.${r.status}`)}</Badge>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <ModerateButtons id={r.id} status={r.status} />
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        )}
        {page > 0 || (page + 1) * pageSize < total ? (
          <InlineStack align="center">
            <Pagination
              hasPrevious={page > 0}
              previousTooltip={t("storefront.reviews.previous")}
              onPrevious={() => navigate(`?status=${status ?? "all"}&page=${page - 1}`)}
              hasNext={(page + 1) * pageSize < total}
              nextTooltip={t("storefront.reviews.next")}
              onNext={() => navigate(`?status=${status ?? "all"}&page=${page + 1}`)}
            />
          </InlineStack>
        ) : null}
      </Card>
    </Page>
  );
}
