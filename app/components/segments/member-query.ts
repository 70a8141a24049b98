/**
 * The member table's state in the URL: sort column and direction, search text, and keyset
 * pagination. `after` is the cursor of the current page; `trail` the cursors of the pages before
 * it ("." separated; "0" for the first page), so "previous" needs no OFFSET either. Pure.
 */
import { MEMBER_SORTS, type MemberSort } from "~/domains/segments/segments.schema";

export const MEMBER_PAGE_SIZE = 50;
const FIRST = "0";
const CURSOR = /^[A-Za-z0-9_-]{1,400}$/;
const MAX_TRAIL = 200;

export type MemberQueryState = { sort: MemberSort; direction: "asc" | "desc"; search: string; after: string | null; trail: string[] };

export function memberQuery(params: URLSearchParams): MemberQueryState {
  const sortParam = params.get("sort");
  const sort = (MEMBER_SORTS as readonly string[]).includes(sortParam ?? "") ? (sortParam as MemberSort) : "enteredAt";
  const direction = params.get("dir") === "asc" ? "asc" : "desc";
  const search = (params.get("q") ?? "").trim().slice(0, 100);
  const afterParam = params.get("after");
  const after = afterParam && CURSOR.test(afterParam) ? afterParam : null;
  const trail = after
    ? (params.get("trail") ?? "")
        .split(".")
        .filter((c) => c === FIRST || CURSOR.test(c))
        .slice(-MAX_TRAIL)
    : [];
  return { sort, direction, search, after, trail: after && trail.length === 0 ? [FIRST] : trail };
}

function toParams(q: MemberQueryState): URLSearchParams {
  const out = new URLSearchParams();
  if (q.sort !== "enteredAt") out.set("sort", q.sort);
  if (q.direction !== "desc") out.set("dir", q.direction);
  if (q.search) out.set("q", q.search);
  if (q.after) {
    out.set("after", q.after);
    out.set("trail", q.trail.join("."));
  }
  return out;
}

/** Links to the next and previous page, and to the same list with other sort/search (from page 1). */
export function pageLinks(q: MemberQueryState, nextCursor: string | null) {
  const previousAfter = q.trail.length ? q.trail[q.trail.length - 1]! : null;
  return {
    next: nextCursor ? toParams({ ...q, after: nextCursor, trail: [...q.trail, q.after ?? FIRST] }) : null,
    previous: toParams({ ...q, after: previousAfter === FIRST ? null : previousAfter, trail: q.trail.slice(0, -1) }),
    with: (change: Partial<MemberQueryState> & { reset?: boolean }) => {
      const { reset, ...rest } = change;
      return toParams({ ...q, ...rest, ...(reset ? { after: null, trail: [] } : {}) });
    },
  };
}
