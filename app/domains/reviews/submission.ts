/**
 * A shopper's review submission: validation with field errors (422) and text sanitizing. Pure.
 *
 * Text is stored as plain text: every tag is stripped (script and style contents dropped) by
 * sanitize-html, entities are decoded back to characters, and the result is stripped again until
 * no tag remains (so "&lt;script&gt;" cannot turn into markup on a second pass). Every renderer
 * escapes it (Liquid `| escape`, textContent in the widget, React in the admin).
 */
import sanitizeHtml from "sanitize-html";
import { z } from "zod";

const STRIP: sanitizeHtml.IOptions = { allowedTags: [], allowedAttributes: {}, disallowedTagsMode: "discard" };
const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&#x27;": "'", "&nbsp;": " " };
const TAG_LIKE = /<\s*[a-zA-Z!/?]/;

/** Review text as safe plain text (no markup, no control characters, tidy whitespace). */
export function toPlainText(input: string): string {
  let text = input;
  for (let pass = 0; pass < 4; pass++) {
    text = sanitizeHtml(text, STRIP).replace(/&(?:amp|lt|gt|quot|nbsp|#39|#x27);/g, (m) => ENTITIES[m] ?? m);
    if (!TAG_LIKE.test(text)) break;
  }
  if (TAG_LIKE.test(text)) text = text.replace(/</g, "‹"); // still tag-like after 4 passes: defuse for good
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, "")
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+/g, " ")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export const REVIEW_LIMITS = { title: 120, body: 5000, author: 60 } as const;

const plain = (max: number) =>
  z
    .string()
    .transform(toPlainText)
    .pipe(z.string().max(max, { message: `Must be at most ${max} characters` }));

export const ReviewSubmissionSchema = z.object({
  rating: z.coerce
    .number({ message: "Choose a rating from 1 to 5" })
    .int({ message: "Choose a rating from 1 to 5" })
    .min(1, { message: "Choose a rating from 1 to 5" })
    .max(5, { message: "Choose a rating from 1 to 5" }),
  title: plain(REVIEW_LIMITS.title).optional().default(""),
  body: plain(REVIEW_LIMITS.body).pipe(z.string().min(1, { message: "Write a few words about the product" })),
  authorName: plain(REVIEW_LIMITS.author).optional().default(""),
  /** Guests only (when the shop allows guest reviews). */
  email: z.string().trim().toLowerCase().email({ message: "Enter a valid email" }).max(254).optional(),
  /** One key per submit click: a double submit stores one review. */
  requestKey: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, { message: "Invalid request key" }),
});

export type ReviewSubmission = z.infer<typeof ReviewSubmissionSchema>;

export type FieldErrors = Record<string, string>;

/** Validates a raw submission (form or JSON): the parsed review, or one message per invalid field. */
export function parseSubmission(raw: unknown): { ok: true; value: ReviewSubmission } | { ok: false; fieldErrors: FieldErrors } {
  const result = ReviewSubmissionSchema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const fieldErrors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path.map(String).join(".") || "form";
    fieldErrors[field] ??= issue.message;
  }
  return { ok: false, fieldErrors };
}
