import "dotenv/config"; // with a prisma.config.ts present the Prisma CLI no longer loads .env itself
import { defineConfig } from "prisma/config";
import { pgMigrationAdapter } from "./prisma/pg";

// Prisma 6.19: when env("DATABASE_URL") cannot be resolved the CLI falls back to downloading the
// native query engine, even for `prisma generate`. Commands that do not connect only need a
// syntactically valid value; commands that connect get a clear error from adapter() instead.
const missingUrl = !process.env.DATABASE_URL;
if (missingUrl) process.env.DATABASE_URL = "postgresql://unset:unset@127.0.0.1:1/unset";

export default defineConfig({
  schema: "prisma/schema",
  migrations: { path: "prisma/migrations" },
  // Migrations run in the Wasm schema engine through the pg driver adapter: no native engine.
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    if (missingUrl) throw new Error("DATABASE_URL is not set (npm run demo starts an embedded Postgres and sets it)");
    return pgMigrationAdapter(process.env.DATABASE_URL!, process.env.SHADOW_DATABASE_URL);
  },
});
