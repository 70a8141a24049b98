/**
 * The shared pg pool survives Postgres closing an idle connection (a restart, a failover, an
 * administrator): without an error listener on the pool, Node turns that into an uncaught
 * exception and the web or worker process dies.
 */
import pg from "pg";
import { describe, expect, it } from "vitest";
import { sqlPool } from "~/db.server";
import { pgPoolConfig } from "../../../prisma/pg";
import { databaseUrl } from "~/env.server";

describe("database pool", () => {
  it("drops an idle connection the server terminates and serves the next query", async () => {
    const pool = sqlPool();
    const [{ pid }] = (await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows as [{ pid: number }];
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      const admin = new pg.Client(pgPoolConfig(databaseUrl()));
      await admin.connect();
      await admin.query("SELECT pg_terminate_backend($1)", [pid]);
      await admin.end();
      await new Promise((r) => setTimeout(r, 200));
      const { rows } = await pool.query<{ one: number }>("SELECT 1 AS one");
      expect(rows).toEqual([{ one: 1 }]);
      expect(uncaught).toEqual([]);
    } finally {
      process.off("uncaughtException", onUncaught);
    }
  });
});
