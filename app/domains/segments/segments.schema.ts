/**
 * Segment form input (create / update), validated at the trust boundary. Errors name the field
 * (`name`, `rule.all.0.value`, `syncTag`) so a page can answer 422 with them next to the inputs.
 * Pure.
 */
import { z } from "zod";
import { validateRule, type Rule } from "~/domains/segments/rules";

export const SYNC_MODES = ["NONE", "TAG", "METAFIELD"] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

/** Shopify customer tags: up to 255 characters, no commas; we keep ours short and readable. */
const TAG = /^[\p{L}\p{N} _:.-]{1,40}$/u;

const FieldsSchema = z.object({
  name: z.string({ error: "required" }).trim().min(1, "required").max(80, "at most 80 characters"),
  description: z.string().trim().max(500, "at most 500 characters").nullish(),
  syncMode: z.enum(SYNC_MODES, { error: `one of ${SYNC_MODES.join(", ")}` }).default("NONE"),
  syncTag: z
    .string()
    .trim()
    .regex(TAG, "1-40 letters, digits, spaces or _ : . - (no commas)")
    .nullish()
    .transform((v) => v || null),
});

export type SegmentInput = { name: string; description: string | null; rule: Rule; syncMode: SyncMode; syncTag: string | null };
export type SegmentInputResult = { ok: true; value: SegmentInput } | { ok: false; fieldErrors: Record<string, string> };

/**
 * Parses a segment form. `rule` may be the rule object or its JSON text (a form field). Every
 * invalid field is reported; nothing is partially accepted.
 */
export function parseSegmentInput(input: unknown): SegmentInputResult {
  const source = (input && typeof input === "object" ? input : {}) as Record<string, unknown>;
  const fieldErrors: Record<string, string> = {};
  const fields = FieldsSchema.safeParse(source);
  if (!fields.success) for (const issue of fields.error.issues) fieldErrors[issue.path.join(".") || "form"] ??= issue.message;

  let ruleInput: unknown = source.rule;
  if (typeof ruleInput === "string") {
    try {
      ruleInput = JSON.parse(ruleInput);
    } catch {
      fieldErrors.rule = "not valid JSON";
      ruleInput = undefined;
    }
  }
  let rule: Rule | null = null;
  if (ruleInput === undefined || ruleInput === null) fieldErrors.rule ??= "required";
  else {
    const checked = validateRule(ruleInput);
    if (checked.ok) rule = checked.rule;
    else Object.assign(fieldErrors, checked.fieldErrors);
  }
  const tagText = typeof source.syncTag === "string" ? source.syncTag.trim() : "";
  if (source.syncMode === "TAG" && !tagText) fieldErrors.syncTag ??= "required when syncing as a customer tag";
  if (Object.keys(fieldErrors).length || !fields.success || !rule) return { ok: false, fieldErrors };
  return {
    ok: true,
    value: { name: fields.data.name, description: fields.data.description ?? null, rule, syncMode: fields.data.syncMode, syncTag: fields.data.syncMode === "TAG" ? fields.data.syncTag : null },
  };
}

export const MEMBER_SORTS = ["enteredAt", "amountSpent", "lastOrderAt", "name"] as const;
export type MemberSort = (typeof MEMBER_SORTS)[number];

export const MemberListQuerySchema = z.object({
  sort: z.enum(MEMBER_SORTS).default("enteredAt"),
  direction: z.enum(["asc", "desc"]).default("desc"),
  search: z.string().trim().max(100).optional(),
  after: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(250).default(50),
});
export type MemberListQuery = z.input<typeof MemberListQuerySchema>;
