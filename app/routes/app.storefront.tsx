/**
 * Storefront settings (admin): the trust-badge set, review requests and moderation, the loyalty
 * program. Each card saves its own settings section (422 with field errors); a save pushes the
 * values to the theme blocks through the app-data metafield.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, Checkbox, ChoiceList, FormLayout, InlineGrid, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { getProgramSummary } from "~/domains/loyalty/loyalty.server";
import type { LoyaltySettings } from "~/domains/loyalty/settings";
import type { ReviewSettings } from "~/domains/reviews/settings";
import { getShopSettings } from "~/domains/shops/settings.server";
import { getShop } from "~/domains/shops/shops.server";
import { saveStorefrontSection, STOREFRONT_SECTIONS, type StorefrontSection } from "~/domains/storefront/storefront-settings.server";
import { GUARANTEES, PAYMENT_ICONS, type TrustBadgeSettings } from "~/domains/trust-badges/settings";
import { useT } from "~/i18n/I18nProvider";
import { env } from "~/env.server";
import { authenticateAdmin, type RequestContext } from "~/shopify.server";

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const [settings, program, shopRow] = await Promise.all([getShopSettings(shop), getProgramSummary(shop), getShop(shop)]);
  return { shop, apiKey: env().SHOPIFY_API_KEY, currency: shopRow?.currency ?? "USD", settings, program };
};

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const form = await request.formData();
  const section = STOREFRONT_SECTIONS.find((s) => s === form.get("section"));
  let value: unknown;
  try {
    value = JSON.parse(String(form.get("value") ?? "null"));
  } catch {
    value = null;
  }
  if (!section) return new Response(JSON.stringify({ section: null, fieldErrors: { section: "unknown section" } }), { status: 422 });
  const result = await saveStorefrontSection(shop, section, value);
  if (!result.ok) return new Response(JSON.stringify({ section, fieldErrors: result.fieldErrors }), { status: 422, headers: { "Content-Type": "application/json" } });
  return { section, fieldErrors: null };
};

type ActionResult = { section: StorefrontSection | null; fieldErrors: Record<string, string> | null } | undefined;

function useSection<T>(section: StorefrontSection, initial: T) {
  const [value, setValue] = useState(initial);
  const submit = useSubmit();
  const navigation = useNavigation();
  const result = useActionData<typeof action>() as ActionResult;
  const saving = navigation.state !== "idle" && navigation.formData?.get("section") === section;
  const mine = result?.section === section ? result : undefined;
  const error = (field: string) => mine?.fieldErrors?.[`${section}.${field}`];
  const save = () => submit({ section, value: JSON.stringify(value) }, { method: "post" });
  return { value, set: (patch: Partial<T>) => setValue((v) => ({ ...v, ...patch })), save, saving, saved: mine && !mine.fieldErrors, invalid: Boolean(mine?.fieldErrors), error };
}

const num = (v: string) => (v.trim() === "" ? Number.NaN : Number(v));

function SectionFooter({ saving, saved, invalid, onSave }: { saving: boolean; saved?: boolean; invalid: boolean; onSave: () => void }) {
  const { t } = useT();
  return (
    <BlockStack gap="200">
      {saved ? <Banner tone="success">{t("storefront.settings.saved")}</Banner> : null}
      {invalid ? <Banner tone="critical">{t("storefront.settings.invalid")}</Banner> : null}
      <InlineStack align="end">
        <Button variant="primary" loading={saving} onClick={onSave}>
          {t("storefront.settings.save")}
        </Button>
      </InlineStack>
    </BlockStack>
  );
}

function BadgesCard({ initial }: { initial: TrustBadgeSettings }) {
  const { t } = useT();
  const s = useSection("trustBadges", initial);
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          {t("storefront.settings.badges.title")}
        </Text>
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <ChoiceList
            allowMultiple
            title={t("storefront.settings.badges.payment")}
            choices={PAYMENT_ICONS.map((p) => ({ value: p, label: t(`storefront.settings.badges.paymentNames.${p}`) }))}
            selected={s.value.paymentIcons}
            onChange={(v) => s.set({ paymentIcons: v as TrustBadgeSettings["paymentIcons"] })}
            error={s.error("paymentIcons")}
          />
          <ChoiceList
            allowMultiple
            title={t("storefront.settings.badges.guarantees")}
            choices={GUARANTEES.map((g) => ({ value: g, label: t(`storefront.settings.badges.guaranteeNames.${g}`) }))}
            selected={s.value.guarantees}
            onChange={(v) => s.set({ guarantees: v as TrustBadgeSettings["guarantees"] })}
            error={s.error("guarantees")}
          />
        </InlineGrid>
        <TextField label={t("storefront.settings.badges.customText")} value={s.value.customText} onChange={(v) => s.set({ customText: v })} maxLength={120} showCharacterCount autoComplete="off" error={s.error("customText")} />
        <SectionFooter saving={s.saving} saved={s.saved} invalid={s.invalid} onSave={s.save} />
      </BlockStack>
    </Card>
  );
}

function ReviewsCard({ initial }: { initial: ReviewSettings }) {
  const { t } = useT();
  const s = useSection("reviews", initial);
  const field = (key: "requestDelayDays" | "maxReminders" | "reminderIntervalDays" | "maxRequestsPerCustomer30d") => (
    <TextField
      label={t(`storefront.settings.reviews.${key}`)}
      type="number"
      value={Number.isNaN(s.value[key]) ? "" : String(s.value[key])}
      onChange={(v) => s.set({ [key]: num(v) } as Partial<ReviewSettings>)}
      error={s.error(key)}
      autoComplete="off"
    />
  );
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          {t("storefront.settings.reviews.title")}
        </Text>
        <FormLayout>
          <Checkbox label={t("storefront.settings.reviews.requestEnabled")} checked={s.value.requestEnabled} onChange={(v) => s.set({ requestEnabled: v })} />
          <FormLayout.Group>
            {field("requestDelayDays")}
            {field("maxReminders")}
          </FormLayout.Group>
          <FormLayout.Group>
            {field("reminderIntervalDays")}
            {field("maxRequestsPerCustomer30d")}
          </FormLayout.Group>
          <Select
            label={t("storefront.settings.reviews.autoPublish")}
            options={(["none", "verified", "all"] as const).map((o) => ({ value: o, label: t(`storefront.settings.reviews.autoPublishOptions.${o}`) }))}
            value={s.value.autoPublish}
            onChange={(v) => s.set({ autoPublish: v as ReviewSettings["autoPublish"] })}
          />
          <Checkbox label={t("storefront.settings.reviews.allowGuestReviews")} checked={s.value.allowGuestReviews} onChange={(v) => s.set({ allowGuestReviews: v })} />
        </FormLayout>
        <SectionFooter saving={s.saving} saved={s.saved} invalid={s.invalid} onSave={s.save} />
      </BlockStack>
    </Card>
  );
}

type NumberKey = "pointsPerUnit" | "signupBonus" | "reviewBonus" | "pendingDays" | "expiryMonths" | "redeemPointsPerUnit" | "minRedeemPoints" | "codeValidityDays";

function LoyaltyCard({ initial, currency }: { initial: LoyaltySettings; currency: string }) {
  const { t, date } = useT();
  const s = useSection("loyalty", initial);
  const field = (key: NumberKey) => (
    <TextField
      label={t(`storefront.settings.loyalty.${key}`, { currency })}
      type="number"
      value={Number.isNaN(s.value[key]) ? "" : String(s.value[key])}
      onChange={(v) => s.set({ [key]: num(v) } as Partial<LoyaltySettings>)}
      error={s.error(key)}
      autoComplete="off"
    />
  );
  const setTier = (i: number, patch: Partial<LoyaltySettings["tiers"][number]>) => s.set({ tiers: s.value.tiers.map((tier, j) => (j === i ? { ...tier, ...patch } : tier)) });
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          {t("storefront.settings.loyalty.title")}
        </Text>
        <FormLayout>
          <Checkbox
            label={t("storefront.settings.loyalty.enabled")}
            checked={s.value.enabled}
            onChange={(v) => s.set({ enabled: v })}
            helpText={s.value.earnFrom ? t("storefront.settings.loyalty.earnFrom", { date: date(s.value.earnFrom, "date") }) : t("storefront.settings.loyalty.earnFromAny")}
          />
          <FormLayout.Group>
            {field("pointsPerUnit")}
            {field("pendingDays")}
          </FormLayout.Group>
          <FormLayout.Group>
            <Checkbox label={t("storefront.settings.loyalty.includeTax")} checked={s.value.includeTax} onChange={(v) => s.set({ includeTax: v })} />
            <Checkbox label={t("storefront.settings.loyalty.includeShipping")} checked={s.value.includeShipping} onChange={(v) => s.set({ includeShipping: v })} />
          </FormLayout.Group>
          <FormLayout.Group>
            {field("signupBonus")}
            {field("reviewBonus")}
          </FormLayout.Group>
          <FormLayout.Group>
            {field("redeemPointsPerUnit")}
            {field("minRedeemPoints")}
          </FormLayout.Group>
          <FormLayout.Group>
            {field("codeValidityDays")}
            {field("expiryMonths")}
          </FormLayout.Group>
          <Select
            label={t("storefront.settings.loyalty.tierBasis")}
            options={(["points", "spend"] as const).map((o) => ({ value: o, label: t(`storefront.settings.loyalty.tierBasisOptions.${o}`, { currency }) }))}
            value={s.value.tierBasis}
            onChange={(v) => s.set({ tierBasis: v as LoyaltySettings["tierBasis"] })}
          />
          <Text as="h3" variant="headingSm">
            {t("storefront.settings.loyalty.tiers")}
          </Text>
          {s.value.tiers.map((tier, i) => (
            <FormLayout.Group key={i}>
              <TextField label={t("storefront.settings.loyalty.tierName")} value={tier.name} onChange={(v) => setTier(i, { name: v })} error={s.error(`tiers.${i}.name`)} autoComplete="off" />
              <TextField
                label={t("storefront.settings.loyalty.tierThreshold")}
                type="number"
                value={Number.isNaN(tier.threshold) ? "" : String(tier.threshold)}
                onChange={(v) => setTier(i, { threshold: num(v) })}
                error={s.error(`tiers.${i}.threshold`)}
                autoComplete="off"
                connectedRight={<Button onClick={() => s.set({ tiers: s.value.tiers.filter((_, j) => j !== i) })}>{t("storefront.settings.loyalty.removeTier")}</Button>}
              />
            </FormLayout.Group>
          ))}
          {s.value.tiers.length < 5 ? (
            <Box>
              <Button onClick={() => s.set({ tiers: [...s.value.tiers, { name: "", threshold: 0 }] })}>{t("storefront.settings.loyalty.addTier")}</Button>
            </Box>
          ) : null}
        </FormLayout>
        <SectionFooter saving={s.saving} saved={s.saved} invalid={s.invalid} onSave={s.save} />
      </BlockStack>
    </Card>
  );
}

export default function StorefrontSettings() {
  const { shop, apiKey, currency, settings, program } = useLoaderData<typeof loader>();
  // Opens the theme editor with the app embed switched on (Shopify's activateAppId deep link).
  const editorUrl = `https://${shop}/admin/themes/current/editor?context=apps&activateAppId=${apiKey}/journey-embed`;
  const { t, number } = useT();
  const stats = [
    ["accounts", program.accounts],
    ["outstanding", program.pointsOutstanding],
    ["pending", program.pointsPending],
    ["redemptions", program.redemptions],
  ] as const;
  return (
    <Page title={t("storefront.settings.title")} subtitle={t("storefront.settings.subtitle")}>
      <Layout>
        <Layout.Section>
          <Banner title={t("storefront.settings.setupTitle")} action={{ content: t("storefront.settings.openEditor"), url: editorUrl, target: "_blank" }}>
            <p>{t("storefront.settings.setupBody")}</p>
          </Banner>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("storefront.settings.program.title")}
              </Text>
              <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
                {stats.map(([key, value]) => (
                  <BlockStack key={key} gap="100">
                    <Text as="p" tone="subdued">
                      {t(`storefront.settings.program.${key}`)}
                    </Text>
                    <Text as="p" variant="headingLg">
                      {number(value)}
                    </Text>
                  </BlockStack>
                ))}
              </InlineGrid>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="400">
            <BadgesCard initial={settings.trustBadges} />
            <ReviewsCard initial={settings.reviews} />
            <LoyaltyCard initial={settings.loyalty} currency={currency} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
