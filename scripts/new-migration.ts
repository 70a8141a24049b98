/**
 * `npm run db:new-migration -- <name> <schema-file>`: writes the migration for the changes made to
 * ONE file of prisma/schema/, and commits that file with its migration.
 *
 * Why not `prisma migrate dev`: several people (or agents) edit different schema files of the same
 * checkout at once. This diffs the committed migrations against a schema made of your working copy
 * of <schema-file> plus everyone else's *committed* files, under a lock, so another person's
 * half-done edit can never leak into your migration. (It also avoids `migrate dev --create-only`,
 * which fails offline with "null pointer passed to rust".)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const [name, schemaFile] = process.argv.slice(2);
if (!name || !/^[a-z0-9_]+$/.test(name) || !schemaFile) {
  process.stderr.write("usage: npm run db:new-migration -- <snake_case_name> <prisma/schema/file.prisma>\n");
  process.exit(2);
}
if (!process.env.DATABASE_URL) {
  process.stderr.write("DATABASE_URL is needed (a server where a temporary shadow database can be created)\n");
  process.exit(2);
}
const mine = path.relative(root, path.resolve(root, schemaFile));
const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" });

const lock = path.join(root, ".cache", "migration.lock");
mkdirSync(path.dirname(lock), { recursive: true });
for (let i = 0; ; i++) {
  try {
    mkdirSync(lock);
    break;
  } catch {
    if (i > 600) throw new Error(`could not take ${lock} in 10 minutes; remove it if no migration is running`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const work = mkdtempSync(path.join(tmpdir(), "migration-"));
try {
  // Schema: my working copy + the committed version of every other file.
  const schemaDir = path.join(work, "schema");
  mkdirSync(schemaDir);
  const committed = git("ls-tree", "--name-only", "HEAD", "prisma/schema/").split("\n").filter((f) => f.endsWith(".prisma"));
  for (const file of new Set([...committed, mine])) {
    const content = file === mine ? readFileSync(path.join(root, file), "utf8") : git("show", `HEAD:${file}`);
    writeFileSync(path.join(schemaDir, path.basename(file)), content);
  }
  // Migrations: the committed ones only.
  const migrationsDir = path.join(work, "migrations");
  mkdirSync(migrationsDir);
  execFileSync("sh", ["-c", `git archive HEAD prisma/migrations | tar -x -C "${work}" && cp -r "${work}/prisma/migrations/." "${migrationsDir}/"`], { cwd: root });

  const out = path.join(work, "migration.sql");
  const diff = spawnSync(
    process.execPath,
    [path.join(root, "node_modules/prisma/build/index.js"), "migrate", "diff", "--from-migrations", migrationsDir, "--to-schema-datamodel", schemaDir, "--script", "--exit-code", "-o", out],
    { cwd: root, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } },
  );
  if (diff.status === 0) {
    process.stdout.write(`No schema changes in ${mine}.\n`);
  } else if (diff.status !== 2) {
    throw new Error(`prisma migrate diff failed:\n${diff.stdout}\n${diff.stderr}`);
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = path.join(root, "prisma/migrations", `${stamp}_${name}`);
    mkdirSync(dir);
    execFileSync("cp", [out, path.join(dir, "migration.sql")]);
    git("add", "--", mine, path.relative(root, dir));
    git("commit", "-m", `Migration ${name}: schema changes of ${path.basename(mine)}`, "--", mine, path.relative(root, dir));
    process.stdout.write(`Wrote and committed ${path.relative(root, dir)}/migration.sql\n`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  rmSync(lock, { recursive: true, force: true });
}
