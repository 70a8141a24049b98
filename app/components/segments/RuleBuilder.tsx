/**
 * The rule builder: "customers who match all / any of these conditions", one row per condition
 * (fact, operator, value), with the server's message under the row it concerns. Rules the form
 * cannot show (nested groups) are edited as JSON; the JSON view is always one click away.
 */
import { Banner, BlockStack, Box, Button, Checkbox, InlineError, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { useT } from "~/i18n/I18nProvider";
import type { MessageKey } from "~/i18n/i18n";
import type { FactName, Op, Rule } from "~/domains/segments/rules";
import {
  FACT_NAMES,
  conditionErrors,
  enumValues,
  fromRule,
  newCondition,
  opsFor,
  toRule,
  valueKind,
  withFact,
  withOp,
  type BuilderCondition,
  type BuilderState,
} from "~/components/segments/rule-model";
import { translateFieldError } from "~/components/segments/field-errors";

export type RuleEditorState = { mode: "form"; form: BuilderState } | { mode: "json"; text: string };

export function initialEditorState(rule: Rule | null): RuleEditorState {
  if (!rule) return { mode: "form", form: { match: "all", conditions: [newCondition("ordersCount")] } };
  const form = fromRule(rule);
  return form ? { mode: "form", form } : { mode: "json", text: JSON.stringify(rule, null, 2) };
}

/** The rule JSON the editor holds (sent to preview and save as text; the server validates it). */
export function editorRuleText(state: RuleEditorState): string {
  return state.mode === "form" ? JSON.stringify(toRule(state.form)) : state.text;
}

function enumLabelKey(fact: FactName, value: string): MessageKey {
  return (fact === "stage" ? `admin.stages.${value}` : `admin.rfmGroups.${value}`) as MessageKey;
}

function ValueInput({ c, index, onChange, error }: { c: BuilderCondition; index: number; onChange: (c: BuilderCondition) => void; error: boolean }) {
  const { t } = useT();
  const kind = valueKind(c.fact, c.op);
  const label = t("admin.rule.value");
  const id = `rule-${index}-value`;
  switch (kind) {
    case "none":
      return null;
    case "number":
    case "days":
    case "money":
      return (
        <TextField
          id={id}
          label={label}
          labelHidden
          value={c.value}
          onChange={(value) => onChange({ ...c, value })}
          inputMode={kind === "money" ? "decimal" : "numeric"}
          autoComplete="off"
          suffix={kind === "days" ? t("admin.rule.days") : undefined}
          error={error}
          placeholder={kind === "money" ? "49.90" : "3"}
        />
      );
    case "range":
    case "moneyRange":
      return (
        <InlineStack gap="200" wrap={false} blockAlign="center">
          <TextField id={id} label={t("admin.rule.min")} labelHidden placeholder={t("admin.rule.min")} value={c.value} onChange={(value) => onChange({ ...c, value })} autoComplete="off" error={error} />
          <Text as="span">{t("admin.rule.and")}</Text>
          <TextField id={`${id}-max`} label={t("admin.rule.max")} labelHidden placeholder={t("admin.rule.max")} value={c.value2} onChange={(value2) => onChange({ ...c, value2 })} autoComplete="off" error={error} />
        </InlineStack>
      );
    case "date":
      return <TextField id={id} label={label} labelHidden type="date" value={c.value} onChange={(value) => onChange({ ...c, value })} autoComplete="off" error={error} />;
    case "boolean":
      return (
        <Select
          id={id}
          label={label}
          labelHidden
          options={[
            { label: t("admin.rule.yes"), value: "true" },
            { label: t("admin.rule.no"), value: "false" },
          ]}
          value={c.value}
          onChange={(value) => onChange({ ...c, value })}
        />
      );
    case "tags":
      return (
        <TextField
          id={id}
          label={label}
          labelHidden
          placeholder={t("admin.rule.tagsPlaceholder")}
          value={c.values.join(", ")}
          onChange={(text) => onChange({ ...c, values: text.split(",").map((v) => v.trimStart()).filter((v, i, all) => v !== "" || i === all.length - 1) })}
          autoComplete="off"
          error={error}
        />
      );
    case "choices":
      return (
        <fieldset style={{ border: 0, margin: 0, padding: 0 }}>
          <legend style={{ position: "absolute", width: 1, height: 1, overflow: "hidden", clip: "rect(0 0 0 0)" }}>{label}</legend>
          <InlineStack gap="300" wrap>
            {enumValues(c.fact).map((v) => (
              <Checkbox
                key={v}
                label={t(enumLabelKey(c.fact, v))}
                checked={c.values.includes(v)}
                onChange={(checked) => onChange({ ...c, values: checked ? [...c.values, v] : c.values.filter((x) => x !== v) })}
              />
            ))}
          </InlineStack>
        </fieldset>
      );
  }
}

export function RuleBuilder({ state, onChange, fieldErrors }: { state: RuleEditorState; onChange: (s: RuleEditorState) => void; fieldErrors?: Record<string, string> }) {
  const { t } = useT();
  const [jsonProblem, setJsonProblem] = useState<string | null>(null);
  const errors = conditionErrors(fieldErrors);
  const whole = errors.get(-1);

  if (state.mode === "json") {
    return (
      <BlockStack gap="200">
        <TextField
          label={t("admin.rule.jsonLabel")}
          helpText={t("admin.rule.jsonHelp")}
          value={state.text}
          onChange={(text) => onChange({ mode: "json", text })}
          multiline={8}
          monospaced
          autoComplete="off"
          error={whole || errors.size ? [...errors.values()].map((m) => translateFieldError(m, t)).join(" ") : undefined}
        />
        {jsonProblem ? <InlineError message={jsonProblem} fieldID="rule-json" /> : null}
        <InlineStack>
          <Button
            onClick={() => {
              try {
                const form = fromRule(JSON.parse(state.text) as Rule);
                if (!form) return setJsonProblem(t("admin.rule.tooComplexForForm"));
                setJsonProblem(null);
                onChange({ mode: "form", form });
              } catch {
                setJsonProblem(t("admin.fieldErrors.json"));
              }
            }}
          >
            {t("admin.rule.useForm")}
          </Button>
        </InlineStack>
      </BlockStack>
    );
  }

  const form = state.form;
  const update = (next: Partial<BuilderState>) => onChange({ mode: "form", form: { ...form, ...next } });
  const replace = (i: number, c: BuilderCondition) => update({ conditions: form.conditions.map((x, j) => (j === i ? c : x)) });
  return (
    <BlockStack gap="300">
      {whole ? (
        <Banner tone="critical">
          <p>{translateFieldError(whole, t)}</p>
        </Banner>
      ) : null}
      <div style={{ maxWidth: 320 }}>
        <Select
          label={t("admin.rule.matchLabel")}
          options={[
            { label: t("admin.rule.matchAll"), value: "all" },
            { label: t("admin.rule.matchAny"), value: "any" },
          ]}
          value={form.match}
          onChange={(match) => update({ match: match as "all" | "any" })}
        />
      </div>
      {form.conditions.map((c, i) => {
        const error = errors.get(i);
        return (
          <Box key={c.key} padding="300" background="bg-surface-secondary" borderRadius="200">
            <BlockStack gap="200">
              <InlineStack gap="200" blockAlign="start" wrap>
                <div style={{ minWidth: 200 }}>
                  <Select
                    id={`rule-${i}-fact`}
                    label={t("admin.rule.fact")}
                    labelHidden
                    options={FACT_NAMES.map((f) => ({ label: t(`admin.rule.facts.${f}`), value: f }))}
                    value={c.fact}
                    onChange={(fact) => replace(i, withFact(c, fact as FactName))}
                  />
                </div>
                <div style={{ minWidth: 180 }}>
                  <Select
                    id={`rule-${i}-op`}
                    label={t("admin.rule.operator")}
                    labelHidden
                    options={opsFor(c.fact).map((op) => ({ label: t(`admin.rule.ops.${op}`), value: op }))}
                    value={c.op}
                    onChange={(op) => replace(i, withOp(c, op as Op))}
                  />
                </div>
                <div style={{ flex: "1 1 200px" }}>
                  <ValueInput c={c} index={i} onChange={(next) => replace(i, next)} error={Boolean(error)} />
                </div>
                <Button
                  variant="tertiary"
                  tone="critical"
                  disabled={form.conditions.length === 1}
                  accessibilityLabel={t("admin.rule.removeCondition", { n: i + 1 })}
                  onClick={() => update({ conditions: form.conditions.filter((_, j) => j !== i) })}
                >
                  {t("admin.rule.remove")}
                </Button>
              </InlineStack>
              {error ? <InlineError message={translateFieldError(error, t)} fieldID={`rule-${i}-value`} /> : null}
            </BlockStack>
          </Box>
        );
      })}
      <InlineStack gap="200">
        <Button onClick={() => update({ conditions: [...form.conditions, newCondition("amountSpent")] })} disabled={form.conditions.length >= 20}>
          {t("admin.rule.addCondition")}
        </Button>
        <Button variant="plain" onClick={() => onChange({ mode: "json", text: JSON.stringify(toRule(form), null, 2) })}>
          {t("admin.rule.useJson")}
        </Button>
      </InlineStack>
    </BlockStack>
  );
}
