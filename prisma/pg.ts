/**
 * node-postgres settings shared by the app (PrismaClient), the Prisma CLI (migrations) and
 * BullMQ's Postgres backend. Three driver-adapter gotchas are handled here, once:
 *
 * 1. Postgres catalog types `"char"` (OID 18) and `name` (OID 19) arrive from pg as plain strings,
 *    but @prisma/adapter-pg 6.19 has no mapping for them, so the Wasm schema engine's introspection
 *    (`migrate dev`, `migrate diff`) and raw queries such as `select current_database()` fail with
 *    "could not be deserialized". `CatalogTextClient` re-tags those columns as `text` (OID 25).
 * 2. A `connectionString` beats per-field overrides in node-postgres, so adapter-pg's shadow
 *    database would silently be the main database. We always pass discrete fields.
 * 3. adapter-pg drops the shadow database before closing its pool ("is being accessed by other
 *    users"); `pgMigrationAdapter` closes first, then drops.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";

const CATALOG_TEXT_OIDS = new Set([18, 19]);
const TEXT_OID = 25;

type QueryResultLike = { fields?: { dataTypeID: number }[] };

function retagCatalogColumns<T>(result: T): T {
  for (const r of (Array.isArray(result) ? result : [result]) as QueryResultLike[]) {
    for (const field of r?.fields ?? []) {
      if (CATALOG_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

export class CatalogTextClient extends pg.Client {
  // pg's query() has promise and callback forms; pg.Pool#query uses the callback form.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last = args.length - 1;
    if (typeof args[last] === "function") {
      const callback = args[last];
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      args[last] = (err: unknown, res: any) => callback(err, err ? res : retagCatalogColumns(res));
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = (super.query as any)(...args);
    return result && typeof result.then === "function" ? result.then(retagCatalogColumns) : result;
  }
}

/** Discrete pool fields from a postgres:// URL (never `connectionString`, see gotcha 2). */
export function pgPoolConfig(url: string, overrides: pg.PoolConfig = {}): pg.PoolConfig {
  const u = new URL(url);
  const socketHost = u.searchParams.get("host");
  return {
    host: socketHost ?? (u.hostname || "127.0.0.1"),
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username || "postgres"),
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: decodeURIComponent(u.pathname.replace(/^\//, "")) || "postgres",
    max: u.searchParams.get("connection_limit") ? Number(u.searchParams.get("connection_limit")) : 10,
    allowExitOnIdle: true,
    Client: CatalogTextClient,
    ...overrides,
  };
}

/** The Prisma driver adapter used by the CLI: migrations, diffs and the shadow database. */
export function pgMigrationAdapter(url: string, shadowUrl?: string) {
  const config = pgPoolConfig(url);
  const adapter = new PrismaPg(config);
  return Object.assign(adapter, {
    async connectToShadowDb() {
      if (shadowUrl) {
        const reset = new pg.Client(pgPoolConfig(shadowUrl));
        await reset.connect();
        await reset.query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
        await reset.end();
        return new PrismaPg(pgPoolConfig(shadowUrl)).connect();
      }
      const name = `prisma_migrate_shadow_db_${randomUUID().replaceAll("-", "_")}`;
      const admin = new pg.Client({ ...config, database: config.database });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${name}"`);
      await admin.end();
      const shadow = await new PrismaPg({ ...config, database: name }).connect();
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await dispose();
        const dropper = new pg.Client({ ...config });
        await dropper.connect();
        await dropper.query(`DROP DATABASE IF EXISTS "${name}"`);
        await dropper.end();
      };
      return shadow;
    },
  });
}
