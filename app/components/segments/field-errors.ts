/**
 * The segment domain reports field errors in English (app/domains/segments/rules.ts and
 * segments.schema.ts, shared with the report CLI). Pages show them in the merchant's language:
 * each known message maps to a message key here; an unknown one is shown as sent, which is
 * better than hiding it. Pure.
 */
import type { MessageKey } from "~/i18n/i18n";

const PATTERNS: [RegExp, MessageKey][] = [
  [/^required when syncing as a customer tag$/, "admin.fieldErrors.tagRequired"],
  [/^required$/, "admin.fieldErrors.required"],
  [/^at most 80 characters$/, "admin.fieldErrors.nameTooLong"],
  [/^at most 500 characters$/, "admin.fieldErrors.descriptionTooLong"],
  [/^1-40 letters/, "admin.fieldErrors.tagFormat"],
  [/^a segment with this name already exists$/, "admin.fieldErrors.nameTaken"],
  [/^another segment already syncs this tag$/, "admin.fieldErrors.tagTaken"],
  [/^not valid JSON$/, "admin.fieldErrors.json"],
  [/^segment not found$/, "admin.fieldErrors.segmentGone"],
  [/^rules may nest at most/, "admin.fieldErrors.tooDeep"],
  [/^at most \d+ rules per group$/, "admin.fieldErrors.tooManyRules"],
  [/^at most \d+ conditions per segment$/, "admin.fieldErrors.tooManyRules"],
  [/^expected a non-empty list of rules$/, "admin.fieldErrors.noConditions"],
  [/^(expected a condition|use only one of)/, "admin.fieldErrors.ruleShape"],
  [/^unknown fact/, "admin.fieldErrors.unknownFact"],
  [/ takes /, "admin.fieldErrors.unknownOp"],
  [/^expected \[min, max\]/, "admin.fieldErrors.range"],
  [/^min must not exceed max$/, "admin.fieldErrors.rangeOrder"],
  [/^expected an amount/, "admin.fieldErrors.amount"],
  [/^expected a whole number of days/, "admin.fieldErrors.days"],
  [/^expected a whole number/, "admin.fieldErrors.wholeNumber"],
  [/^expected a date/, "admin.fieldErrors.date"],
  [/^(expected a non-empty list of|unknown value)/, "admin.fieldErrors.choices"],
  [/^(expected 1-\d+ tags|tags must be non-empty text)$/, "admin.fieldErrors.tags"],
  [/^expected true or false$/, "admin.fieldErrors.boolean"],
];

export function fieldErrorKey(message: string): MessageKey | null {
  return PATTERNS.find(([pattern]) => pattern.test(message))?.[1] ?? null;
}

export function translateFieldError(message: string, t: (key: MessageKey) => string): string {
  const key = fieldErrorKey(message);
  return key ? t(key) : message;
}
