/**
 * Facade of merchant rule segments for the admin pages (issue 4), the report CLI and jobs.
 * Reads touch only materialized tables; commands validate, save and enqueue the jobs that
 * materialize membership and sync it to Shopify.
 */
import type { Prisma } from "@prisma/client";
import { addDays, dateOnly, localDate, safeTimeZone } from "~/lib/calendar";
import { csvCell } from "~/lib/csv";
import { fromMinor } from "~/lib/money";
import { enqueue } from "~/queues/enqueue.server";
import { JobName } from "~/queues/jobs";
import { compileRule, validateRule, type Rule } from "~/domains/segments/rules";
import { RFM_GRID, RFM_GROUPS_WITH_PROSPECTS } from "~/domains/segments/rfm";
import { MemberListQuerySchema, parseSegmentInput, type MemberListQuery, type SegmentInput, type SyncMode } from "~/domains/segments/segments.schema";
import { ruleCompileContext } from "~/domains/segments/recompute.server";
import { createSegmentRow, findSegment, findSegmentByName, findSegmentBySyncTag, getShopRow, listActiveSegments, updateSegmentRow, type SegmentRow } from "~/domains/segments/segments.repo.server";
import { clearFailedSync } from "~/domains/segments/sync.repo.server";
import { memberPage, previewRule, recentEventCounts, rfmGroupCounts, sizeHistory, sizeOnOrBefore, syncedCounts, type MemberRow } from "~/domains/segments/members.repo.server";

export type FieldErrors = Record<string, string>;

async function shopToday(shop: string): Promise<string> {
  const row = await getShopRow(shop);
  return localDate(new Date(), safeTimeZone(row?.ianaTimezone));
}

export type SegmentSummary = {
  id: bigint;
  name: string;
  description: string | null;
  ruleVersion: number;
  memberCount: number;
  /** memberCount minus the size 7 shop-local days ago (0 before the segment existed). */
  change7d: number;
  materializedAt: Date | null;
  sync: { mode: SyncMode; tag: string | null; status: string; error: string | null; syncedAt: Date | null; syncedMembers: number };
};

function summarize(s: SegmentRow, weekAgo: number, synced: number): SegmentSummary {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    ruleVersion: s.ruleVersion,
    memberCount: s.memberCount,
    change7d: s.memberCount - weekAgo,
    materializedAt: s.materializedAt,
    sync: { mode: s.syncMode as SyncMode, tag: s.syncTag, status: s.syncStatus, error: s.syncError, syncedAt: s.syncedAt, syncedMembers: synced },
  };
}

/** All live segments of the shop with size, 7-day change and sync state. */
export async function listSegments(shop: string): Promise<SegmentSummary[]> {
  const segments = await listActiveSegments(shop);
  const ids = segments.map((s) => s.id);
  const [weekAgo, synced] = await Promise.all([sizeOnOrBefore(ids, addDays(await shopToday(shop), -7)), syncedCounts(ids)]);
  return segments.map((s) => summarize(s, weekAgo.get(s.id) ?? 0, synced.get(s.id) ?? 0));
}

export type SegmentDetail = SegmentSummary & {
  rule: Rule;
  /** Size at the end of each day it changed, last 90 days. */
  sizes: { day: string; size: number }[];
  last7d: { entered: number; exited: number };
  createdAt: Date;
  updatedAt: Date;
};

/** One segment: its rule, size history, recent entries/exits and sync progress. Null if unknown. */
export async function getSegment(shop: string, id: bigint): Promise<SegmentDetail | null> {
  const s = await findSegment(shop, id);
  if (!s) return null;
  const today = await shopToday(shop);
  const [weekAgo, synced, history, events] = await Promise.all([
    sizeOnOrBefore([id], addDays(today, -7)),
    syncedCounts([id]),
    sizeHistory(id, addDays(today, -90)),
    recentEventCounts(id, new Date(Date.now() - 7 * 86_400_000)),
  ]);
  const parsed = validateRule(s.rule);
  return {
    ...summarize(s, weekAgo.get(id) ?? 0, synced.get(id) ?? 0),
    rule: parsed.ok ? parsed.rule : (s.rule as Rule),
    sizes: history.map((h) => ({ day: dateOnly(h.day), size: h.size })),
    last7d: { entered: events.ENTERED ?? 0, exited: events.EXITED ?? 0 },
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

export type RulePreview =
  | { ok: true; count: number; totalCustomers: number; sample: Omit<MemberRow, "enteredAt" | "sortKey">[] }
  | { ok: false; fieldErrors: FieldErrors };

/** Validates a rule and shows how many customers it selects now, with a sample, before saving. */
export async function previewSegmentRule(shop: string, ruleInput: unknown, sampleSize = 20): Promise<RulePreview> {
  let input = ruleInput;
  if (typeof input === "string") {
    try {
      input = JSON.parse(input);
    } catch {
      return { ok: false, fieldErrors: { rule: "not valid JSON" } };
    }
  }
  const checked = validateRule(input);
  if (!checked.ok) return checked;
  const preview = await previewRule(shop, compileRule(checked.rule, await ruleCompileContext(shop)), Math.min(Math.max(sampleSize, 1), 100));
  return { ok: true, count: preview.count, totalCustomers: preview.total, sample: preview.sample };
}

export type SegmentSaveResult = { ok: true; segment: SegmentSummary } | { ok: false; fieldErrors: FieldErrors };

function rowData(value: SegmentInput) {
  return {
    name: value.name,
    description: value.description,
    rule: value.rule as unknown as Prisma.InputJsonValue,
    syncMode: value.syncMode,
    syncTag: value.syncTag,
  };
}

/**
 * A segment's name, and the tag it writes, belong to it alone: two segments syncing one tag would
 * each remove it from members who leave them while the other still holds them.
 */
async function clashErrors(shop: string, value: SegmentInput, self?: bigint): Promise<FieldErrors | null> {
  const errors: FieldErrors = {};
  const byName = await findSegmentByName(shop, value.name);
  if (byName && byName.id !== self) errors.name = "a segment with this name already exists";
  const byTag = value.syncMode === "TAG" && value.syncTag ? await findSegmentBySyncTag(shop, value.syncTag) : null;
  if (byTag && byTag.id !== self) errors.syncTag = "another segment already syncs this tag";
  return Object.keys(errors).length ? errors : null;
}

/** A stored rule in the key order validateRule builds (jsonb keeps its own order). */
function canonicalRule(rule: unknown): string {
  const checked = validateRule(rule);
  return JSON.stringify(checked.ok ? checked.rule : rule);
}

/**
 * Creates a segment from form input (422-style field errors, nothing saved when invalid) and
 * enqueues its materialization (and its sync when enabled).
 */
export async function createSegment(shop: string, input: unknown): Promise<SegmentSaveResult> {
  const parsed = parseSegmentInput(input);
  if (!parsed.ok) return parsed;
  const clashes = await clashErrors(shop, parsed.value);
  if (clashes) return { ok: false, fieldErrors: clashes };
  let row: SegmentRow;
  try {
    row = await createSegmentRow({ shop, ...rowData(parsed.value), syncStatus: parsed.value.syncMode === "NONE" ? "IDLE" : "PENDING" });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return { ok: false, fieldErrors: { name: "a segment with this name already exists" } };
    throw error;
  }
  await enqueue({ name: JobName.SegmentsMaterializeSegment, data: { shop, segmentId: row.id.toString() } });
  return { ok: true, segment: summarize(row, 0, 0) };
}

/**
 * Creates each segment unless one of the same name exists (demo seeding, onboarding presets).
 * Validated like form input; nothing is enqueued: the caller recomputes the shop, which
 * materializes every segment. Returns the ids created.
 */
export async function ensureSegments(shop: string, inputs: unknown[]): Promise<bigint[]> {
  const created: bigint[] = [];
  for (const input of inputs) {
    const parsed = parseSegmentInput(input);
    if (!parsed.ok) throw new Error(`invalid preset segment: ${JSON.stringify(parsed.fieldErrors)}`);
    if (await findSegmentByName(shop, parsed.value.name)) continue;
    created.push((await createSegmentRow({ shop, ...rowData(parsed.value) })).id);
  }
  return created;
}

/**
 * Updates a segment. A changed rule bumps its version and re-materializes membership (entries and
 * exits recorded with the new version); a changed sync setting re-syncs (removing the old tag).
 */
export async function updateSegment(shop: string, id: bigint, input: unknown): Promise<SegmentSaveResult> {
  const current = await findSegment(shop, id);
  if (!current) return { ok: false, fieldErrors: { form: "segment not found" } };
  const parsed = parseSegmentInput(input);
  if (!parsed.ok) return parsed;
  const clashes = await clashErrors(shop, parsed.value, id);
  if (clashes) return { ok: false, fieldErrors: clashes };
  const ruleChanged = canonicalRule(current.rule) !== JSON.stringify(parsed.value.rule);
  // The metafield holds the names of the customer's segments: renaming a METAFIELD segment changes
  // what Shopify should hold.
  const syncChanged =
    current.syncMode !== parsed.value.syncMode ||
    current.syncTag !== parsed.value.syncTag ||
    (parsed.value.syncMode === "METAFIELD" && current.name !== parsed.value.name);
  const row = await updateSegmentRow(id, {
    ...rowData(parsed.value),
    ruleVersion: ruleChanged ? { increment: 1 } : undefined,
    syncStatus: syncChanged ? "PENDING" : undefined,
  });
  if (ruleChanged) await enqueue({ name: JobName.SegmentsMaterializeSegment, data: { shop, segmentId: id.toString() } });
  else if (syncChanged) {
    // New settings: customers Shopify refused under the old ones are tried again.
    await clearFailedSync(id);
    await enqueue({ name: JobName.SegmentsSyncSegment, data: { shop, segmentId: id.toString() } });
  }
  return { ok: true, segment: summarize(row, 0, 0) };
}

/**
 * Deletes a segment: members exit (recorded), the name is freed, and what we wrote to Shopify for
 * it is removed by the sync job. History keeps naming it.
 */
export async function deleteSegment(shop: string, id: bigint): Promise<boolean> {
  const current = await findSegment(shop, id);
  if (!current) return false;
  await updateSegmentRow(id, { deletedAt: new Date(), name: `${current.name} (deleted ${id})`, syncStatus: current.syncMode === "NONE" ? "IDLE" : "PENDING" });
  await enqueue({ name: JobName.SegmentsMaterializeSegment, data: { shop, segmentId: id.toString() } });
  return true;
}

export type MemberPage = { members: Omit<MemberRow, "sortKey">[]; nextCursor: string | null };

const encodeCursor = (key: string, gid: string) => Buffer.from(JSON.stringify([key, gid])).toString("base64url");
function decodeCursor(cursor: string | undefined): { key: string; gid: string } | undefined {
  if (!cursor) return undefined;
  try {
    const [key, gid] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    return typeof key === "string" && typeof gid === "string" ? { key, gid } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Members of a segment, keyset-paginated (`nextCursor` → `after`), sorted by entry date, amount
 * spent, last order or name, optionally filtered by an email/name prefix. Null if the segment is
 * unknown. Pages stay fast at any depth: no OFFSET.
 */
export async function listSegmentMembers(shop: string, id: bigint, query: MemberListQuery = {}): Promise<MemberPage | null> {
  if (!(await findSegment(shop, id))) return null;
  const q = MemberListQuerySchema.parse(query);
  const rows = await memberPage(shop, id, { sort: q.sort, direction: q.direction, search: q.search || undefined, after: decodeCursor(q.after), limit: q.limit });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    members: page.map(({ sortKey: _sortKey, ...m }) => m),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.sortKey ?? "", last.customerGid) : null,
  };
}

const CSV_COLUMNS = ["customer_id", "email", "name", "rfm_group", "stage", "orders", "amount_spent", "currency", "last_order_at", "entered_at"] as const;

/**
 * The segment's members as CSV lines (header first), streamed page by page (1,000 rows per query):
 * never all rows in memory. Amounts in major units of the shop currency. Yields nothing for an
 * unknown segment.
 */
export async function* exportSegmentMembersCsv(shop: string, id: bigint): AsyncGenerator<string> {
  if (!(await findSegment(shop, id))) return;
  yield `${CSV_COLUMNS.join(",")}\n`;
  let after: { key: string; gid: string } | undefined;
  for (;;) {
    const rows = await memberPage(shop, id, { sort: "enteredAt", direction: "asc", after, limit: 1000 });
    const page = rows.slice(0, 1000);
    if (page.length === 0) return;
    yield page
      .map((m) =>
        [m.customerGid.split("/").pop(), m.email, m.displayName, m.rfmGroup, m.stage, m.ordersCount, fromMinor(m.amountSpentMinor, m.currency ?? "USD"), m.currency, m.lastOrderAt, m.enteredAt]
          .map(csvCell)
          .join(","),
      )
      .join("\n")
      .concat("\n");
    if (rows.length <= 1000) return;
    const last = page[page.length - 1]!;
    after = { key: last.sortKey ?? "", gid: last.customerGid };
  }
}

export type RfmGroupSummary = { group: string; customers: number; windowSpentMinor: bigint; cell: { r: readonly [number, number]; f: readonly [number, number] } | null };

/** Customers per RFM group (all 11 groups and Prospects, zeros included), with the grid rule. */
export async function listRfmGroups(shop: string): Promise<RfmGroupSummary[]> {
  const counts = new Map((await rfmGroupCounts(shop)).map((r) => [r.group, r]));
  return RFM_GROUPS_WITH_PROSPECTS.map((group) => {
    const cell = RFM_GRID.find((g) => g.group === group);
    return { group, customers: counts.get(group)?.customers ?? 0, windowSpentMinor: counts.get(group)?.windowSpentMinor ?? 0n, cell: cell ? { r: cell.r, f: cell.f } : null };
  });
}
