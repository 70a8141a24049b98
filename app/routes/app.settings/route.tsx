/**
 * Analytics settings: the RFM lookback window and breakpoints, the abandonment threshold and
 * attribution window, the journey's consideration window. Each card saves its own section (422
 * with the fields to fix); a saved change recomputes the shop's analytics in the background.
 * Storefront settings (badges, reviews, loyalty) live on their own page, linked here.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineGrid, Layout, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { getShopSettings, updateShopSettings } from "~/domains/shops/settings.server";
import { getShop } from "~/domains/shops/shops.server";
import { enqueue } from "~/queues/enqueue.server";
import { JobName } from "~/queues/jobs";
import { useT } from "~/i18n/I18nProvider";
import type { MessageKey } from "~/i18n/i18n";
import { authenticateAdmin, type RequestContext } from "~/shopify.server";
import { ANALYTICS_SECTIONS, errorFields, formValues, sectionFromForm, type AnalyticsSection } from "~/components/settings/settings-form";

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const [settings, shopRow] = await Promise.all([getShopSettings(shop), getShop(shop)]);
  return { values: formValues(settings), currency: shopRow?.currency ?? "USD" };
};

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const form = await request.formData();
  const section = ANALYTICS_SECTIONS.find((s) => s === form.get("section"));
  if (!section) return data({ section: null, saved: false, fields: ["section"] }, { status: 422 });
  const result = await updateShopSettings(shop, section, sectionFromForm(section, form));
  if (!result.ok) return data({ section, saved: false, fields: errorFields(section, result.fieldErrors) }, { status: 422 });
  // New definitions apply to everyone: abandonment outcomes are reclassified by the sweep (it sees
  // the changed settings and recomputes in full); scores and stages by a whole-shop recompute.
  if (section === "abandonment") await enqueue({ name: JobName.AbandonmentSweepShop, data: { shop } });
  else await enqueue({ name: JobName.SegmentsRecomputeShop, data: { shop, reason: "settings" } });
  return { section, saved: true, fields: [] as string[] };
};

function useSectionResult(section: AnalyticsSection) {
  const result = useActionData<typeof action>();
  return result?.section === section ? result : null;
}

function SectionCard({ section, title, help, children }: { section: AnalyticsSection; title: string; help: string; children: React.ReactNode }) {
  const { t } = useT();
  const navigation = useNavigation();
  const result = useSectionResult(section);
  const saving = navigation.state === "submitting" && navigation.formData?.get("section") === section;
  return (
    <Card>
      <Form method="post" aria-label={title}>
        <input type="hidden" name="section" value={section} />
        <BlockStack gap="300">
          {/* The annotated section beside the card already carries the title. */}
          <Text as="p" variant="bodySm" tone="subdued">
            {help}
          </Text>
          {result?.saved ? <Banner tone="success">{t("admin.settings.saved")}</Banner> : null}
          {result && !result.saved ? <Banner tone="critical">{t("admin.settings.invalid")}</Banner> : null}
          {children}
          <div>
            <Button submit variant="primary" loading={saving}>
              {t("admin.settings.save")}
            </Button>
          </div>
        </BlockStack>
      </Form>
    </Card>
  );
}

function NumberField({ section, name, value, suffix }: { section: AnalyticsSection; name: string; value: string; suffix?: string }) {
  const { t } = useT();
  const [text, setText] = useState(value);
  const result = useSectionResult(section);
  const invalid = result?.fields.includes(name);
  return (
    <TextField
      label={t(`admin.settings.fields.${name}` as MessageKey)}
      name={name}
      value={text}
      onChange={setText}
      inputMode="decimal"
      autoComplete="off"
      suffix={suffix}
      helpText={t(`admin.settings.help.${name}` as MessageKey)}
      error={invalid ? t(`admin.settings.errors.${name}` as MessageKey) : undefined}
    />
  );
}

function Breakpoints({ name, initial, suffix }: { name: "frequencyBreakpoints" | "monetaryBreakpoints" | "recencyBreakpointsDays"; initial: { custom: boolean; values: string[] }; suffix?: string }) {
  const { t } = useT();
  const [custom, setCustom] = useState(initial.custom);
  const [values, setValues] = useState(initial.values);
  const result = useSectionResult("rfm");
  const invalid = result?.fields.includes(name);
  return (
    <BlockStack gap="200">
      <Checkbox label={t(`admin.settings.fields.${name}`)} name={`${name}.custom`} checked={custom} onChange={setCustom} helpText={t(`admin.settings.help.${name}`)} />
      {custom ? (
        <InlineGrid columns={4} gap="200">
          {values.map((v, i) => (
            <TextField
              key={i}
              label={t(name === "recencyBreakpointsDays" ? "admin.settings.recencyScoreLabel" : "admin.settings.scoreLabel", { score: name === "recencyBreakpointsDays" ? 5 - i : i + 2 })}
              name={`${name}.${i}`}
              value={v}
              onChange={(text) => setValues(values.map((x, j) => (j === i ? text : x)))}
              inputMode="decimal"
              autoComplete="off"
              suffix={suffix}
              error={invalid && i === 0 ? t(`admin.settings.errors.${name}`) : invalid ? true : undefined}
            />
          ))}
        </InlineGrid>
      ) : null}
    </BlockStack>
  );
}

export default function Settings() {
  const { values, currency } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <Page title={t("admin.settings.title")} subtitle={t("admin.settings.subtitle")}>
      <Layout>
        <Layout.AnnotatedSection title={t("admin.settings.rfmTitle")} description={t("admin.settings.rfmDescription")}>
          <SectionCard section="rfm" title={t("admin.settings.rfmTitle")} help={t("admin.settings.recomputeNote")}>
            <FormLayout>
              <NumberField section="rfm" name="lookbackDays" value={values.rfm.lookbackDays} suffix={t("admin.rule.days")} />
              <NumberField section="rfm" name="fixedFrequencyPercent" value={values.rfm.fixedFrequencyPercent} suffix="%" />
              <Breakpoints name="frequencyBreakpoints" initial={values.rfm.frequencyBreakpoints} />
              <Breakpoints name="monetaryBreakpoints" initial={values.rfm.monetaryBreakpoints} suffix={currency} />
              <Breakpoints name="recencyBreakpointsDays" initial={values.rfm.recencyBreakpointsDays} suffix={t("admin.rule.days")} />
            </FormLayout>
          </SectionCard>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={t("admin.settings.abandonmentTitle")} description={t("admin.settings.abandonmentDescription")}>
          <SectionCard section="abandonment" title={t("admin.settings.abandonmentTitle")} help={t("admin.settings.recomputeNote")}>
            <FormLayout>
              <NumberField section="abandonment" name="thresholdMinutes" value={values.abandonment.thresholdMinutes} suffix={t("admin.settings.minutes")} />
              <NumberField section="abandonment" name="attributionWindowDays" value={values.abandonment.attributionWindowDays} suffix={t("admin.rule.days")} />
            </FormLayout>
          </SectionCard>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={t("admin.settings.journeyTitle")} description={t("admin.settings.journeyDescription")}>
          <SectionCard section="journey" title={t("admin.settings.journeyTitle")} help={t("admin.settings.recomputeNote")}>
            <NumberField section="journey" name="considerationDays" value={values.journey.considerationDays} suffix={t("admin.rule.days")} />
          </SectionCard>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={t("admin.settings.storefrontTitle")} description={t("admin.settings.storefrontDescription")}>
          <Card>
            <BlockStack gap="200">
              <Text as="p">{t("admin.settings.storefrontBody")}</Text>
              <div>
                <Button url="/app/storefront">{t("admin.settings.storefrontLink")}</Button>
              </div>
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>
      </Layout>
    </Page>
  );
}
