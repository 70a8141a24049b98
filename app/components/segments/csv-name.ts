/** "VIP buyers" exported on 2026-11-24 → "segment-vip-buyers-2026-11-24.csv" (ASCII, header-safe). */
export function csvFileName(name: string, at: Date): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return `segment-${slug || "members"}-${at.toISOString().slice(0, 10)}.csv`;
}
