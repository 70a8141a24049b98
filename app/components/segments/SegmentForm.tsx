/**
 * Create / edit form of a segment: name, description, Shopify sync, the rule builder and a live
 * preview ("N of M customers match now", with a few of them) refreshed as the rule changes.
 * Saving posts to the page's action, which answers 422 with field errors shown in place.
 */
import { Form, useFetcher, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, FormLayout, InlineStack, Layout, List, Select, Spinner, Text, TextField } from "@shopify/polaris";
import { useEffect, useMemo, useRef, useState } from "react";
import type { Rule } from "~/domains/segments/rules";
import { useT } from "~/i18n/I18nProvider";
import { RuleBuilder, editorRuleText, initialEditorState, type RuleEditorState } from "~/components/segments/RuleBuilder";
import { translateFieldError } from "~/components/segments/field-errors";

export type SegmentFormValues = { name: string; description: string; syncMode: string; syncTag: string; rule: Rule | null };

type PreviewAnswer =
  | { ok: true; count: number; totalCustomers: number; sample: { customerGid: string; email: string | null; displayName: string | null }[] }
  | { ok: false; fieldErrors: Record<string, string> };

const PREVIEW_DELAY_MS = 400;

/** Asks the preview route about the rule a moment after it stops changing. */
function useRulePreview(ruleText: string) {
  const fetcher = useFetcher<PreviewAnswer>();
  const last = useRef<string | null>(null);
  const { submit } = fetcher;
  useEffect(() => {
    if (last.current === ruleText) return;
    const timer = setTimeout(() => {
      last.current = ruleText;
      submit({ rule: ruleText }, { method: "post", action: "/app/segments/preview" });
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [ruleText, submit]);
  return { answer: fetcher.data, busy: fetcher.state !== "idle" };
}

function LivePreview({ answer, busy }: { answer: PreviewAnswer | undefined; busy: boolean }) {
  const { t, number } = useT();
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {t("admin.segments.preview.title")}
          </Text>
          {busy ? <Spinner size="small" accessibilityLabel={t("admin.segments.preview.loading")} /> : null}
        </InlineStack>
        <div aria-live="polite" data-testid="segment-preview">
          {!answer ? (
            <Text as="p" tone="subdued">
              {t("admin.segments.preview.loading")}
            </Text>
          ) : answer.ok ? (
            <BlockStack gap="200">
              <Text as="p" variant="headingLg">
                {t("admin.segments.preview.count", { count: number(answer.count), total: number(answer.totalCustomers) })}
              </Text>
              {answer.sample.length ? (
                <List>
                  {answer.sample.map((c) => (
                    <List.Item key={c.customerGid}>{c.displayName ?? c.email ?? c.customerGid.split("/").pop()}</List.Item>
                  ))}
                </List>
              ) : null}
            </BlockStack>
          ) : (
            <Text as="p" tone="critical">
              {t("admin.segments.preview.invalid")}
            </Text>
          )}
        </div>
      </BlockStack>
    </Card>
  );
}

export function SegmentForm({ initial, fieldErrors, submitLabel }: { initial: SegmentFormValues; fieldErrors?: Record<string, string> | null; submitLabel: string }) {
  const { t } = useT();
  const navigation = useNavigation();
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description);
  const [syncMode, setSyncMode] = useState(initial.syncMode);
  const [syncTag, setSyncTag] = useState(initial.syncTag);
  const [rule, setRule] = useState<RuleEditorState>(() => initialEditorState(initial.rule));
  const ruleText = useMemo(() => editorRuleText(rule), [rule]);
  const preview = useRulePreview(ruleText);
  const errors = fieldErrors ?? undefined;
  // Rule problems show while editing (from the preview), not only after pressing save.
  const ruleErrors = errors ?? (preview.answer && !preview.answer.ok ? preview.answer.fieldErrors : undefined);
  const fieldError = (key: string) => (errors?.[key] ? translateFieldError(errors[key]!, t) : undefined);
  const errorCount = errors ? Object.keys(errors).length : 0;
  return (
    <Form method="post">
      <input type="hidden" name="rule" value={ruleText} />
      <Layout>
        {errorCount ? (
          <Layout.Section>
            <Banner tone="critical" title={t("admin.segments.form.fixErrors", { count: errorCount })}>
              <p>{errors?.form ? translateFieldError(errors.form, t) : t("admin.segments.form.fixErrorsHelp")}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <FormLayout>
                <TextField label={t("admin.segments.form.name")} name="name" value={name} onChange={setName} autoComplete="off" error={fieldError("name")} maxLength={80} />
                <TextField
                  label={t("admin.segments.form.description")}
                  name="description"
                  value={description}
                  onChange={setDescription}
                  autoComplete="off"
                  multiline={2}
                  error={fieldError("description")}
                />
              </FormLayout>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("admin.segments.form.ruleTitle")}
                </Text>
                <RuleBuilder state={rule} onChange={setRule} fieldErrors={ruleErrors} />
              </BlockStack>
            </Card>
            <Card>
              <FormLayout>
                <Select
                  label={t("admin.segments.form.sync")}
                  name="syncMode"
                  options={[
                    { label: t("admin.segments.form.syncNone"), value: "NONE" },
                    { label: t("admin.segments.form.syncTag"), value: "TAG" },
                    { label: t("admin.segments.form.syncMetafield"), value: "METAFIELD" },
                  ]}
                  value={syncMode}
                  onChange={setSyncMode}
                  helpText={t("admin.segments.form.syncHelp")}
                  error={fieldError("syncMode")}
                />
                {syncMode === "TAG" ? (
                  <TextField label={t("admin.segments.form.tag")} name="syncTag" value={syncTag} onChange={setSyncTag} autoComplete="off" error={fieldError("syncTag")} helpText={t("admin.segments.form.tagHelp")} />
                ) : null}
              </FormLayout>
            </Card>
            <Box>
              <Button submit variant="primary" loading={navigation.state === "submitting"}>
                {submitLabel}
              </Button>
            </Box>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <LivePreview answer={preview.answer} busy={preview.busy} />
        </Layout.Section>
      </Layout>
    </Form>
  );
}
