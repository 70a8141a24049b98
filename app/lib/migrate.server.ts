/**
 * Applies pending migrations with `prisma migrate deploy` (the Wasm schema engine through the pg
 * adapter, see prisma.config.ts). The CLI keeps running ~10 s after it is done (a timer inside
 * the Wasm engine), so we return as soon as it reports success and let it be stopped.
 */
import { spawn } from "node:child_process";
import path from "node:path";

const SUCCESS = /All migrations have been successfully applied|No pending migrations to apply/;

export function migrateDeploy(databaseUrl: string, cwd = process.cwd()): Promise<void> {
  return new Promise((resolve, reject) => {
    const cli = path.join(cwd, "node_modules", "prisma", "build", "index.js");
    const child = spawn(process.execPath, [cli, "migrate", "deploy"], {
      cwd,
      env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let done = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!done && SUCCESS.test(output)) {
        done = true;
        child.kill("SIGTERM");
        resolve();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("exit", (code) => {
      if (done) return;
      if (code === 0) resolve();
      else reject(new Error(`prisma migrate deploy failed (exit ${code}):\n${output}`));
    });
  });
}
