/** The shops analytics works for (installed ones), with the timezone their schedules use. */
import { db } from "~/db.server";

export async function listInstalledShops(only?: string[]) {
  return db().shop.findMany({
    where: { uninstalledAt: null, ...(only ? { shop: { in: only } } : {}) },
    select: { shop: true, ianaTimezone: true },
    orderBy: { shop: "asc" },
  });
}
