/**
 * The only reader of process.env. Parsed lazily (the embedded-defaults bootstrap sets
 * DATABASE_URL before first use) and cached.
 */
import { z } from "zod";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);

export const DEMO_DEFAULTS = {
  apiKey: "demo-api-key",
  apiSecret: "demo-api-secret",
  shop: "demo-journey.myshopify.com",
} as const;

const flag = z
  .enum(["1", "0", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z.string().url().optional(),
    /** Selects Redis for BullMQ. Unset: BullMQ's Postgres backend on DATABASE_URL. */
    REDIS_URL: z.string().url().optional(),
    SHOPIFY_API_KEY: z.string().min(1).optional(),
    SHOPIFY_API_SECRET: z.string().min(1).optional(),
    /** During a client-secret rotation Shopify may keep signing webhooks with the old secret for an hour. */
    SHOPIFY_API_SECRET_PREVIOUS: z.string().min(1).optional(),
    SHOPIFY_APP_URL: z.string().url().optional(),
    SCOPES: z.string().optional(),
    HOST: z.string().default("127.0.0.1"),
    /**
     * How many proxies (load balancer, CDN) sit in front of the web process and append to
     * X-Forwarded-For. 0: the header is anyone's to write and is ignored; the TCP peer is the client.
     */
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    PORT: z.coerce.number().int().positive().default(3000),
    /** Local demo mode: admin pages without Shopify's admin. Explicit, loopback only, never production. */
    DEMO_MODE: flag,
    DEMO_SHOP: z.string().default(DEMO_DEFAULTS.shop),
    WEBHOOK_MAX_BODY_BYTES: z.coerce.number().int().positive().default(5 * 1024 * 1024),
    /** A RECEIVED delivery older than this is re-enqueued by the redrive schedule. */
    WEBHOOK_REDRIVE_AFTER_MS: z.coerce.number().int().positive().default(60_000),
    /** PROCESSED/SKIPPED deliveries older than this many days are pruned (they hold personal data). */
    WEBHOOK_RETENTION_DAYS: z.coerce.number().int().positive().default(30),
    WORKER_CONCURRENCY: z.coerce.number().int().positive().default(8),
    /** Queues this worker process serves (comma-separated); default all. Lets operators scale workloads apart. */
    WORKER_QUEUES: z.string().optional(),
    /** BullMQ key prefix (Redis) so several deployments or test runs can share one server. */
    QUEUE_PREFIX: z.string().regex(/^[\w-]+$/).default("bull"),
    /** How long a worker's job lock lasts; a killed worker's job is re-run after it (BullMQ stalled check). */
    WORKER_LOCK_DURATION_MS: z.coerce.number().int().positive().default(30_000),
  })
  .superRefine((env, ctx) => {
    if (!env.DEMO_MODE) {
      for (const key of ["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL"] as const) {
        if (!env[key]) ctx.addIssue({ code: "custom", path: [key], message: `${key} is required (or set DEMO_MODE=1 for the local demo)` });
      }
      return;
    }
    if (env.NODE_ENV === "production") {
      ctx.addIssue({ code: "custom", path: ["DEMO_MODE"], message: "DEMO_MODE is refused when NODE_ENV=production" });
    }
    if (!LOOPBACK_HOSTS.has(env.HOST)) {
      ctx.addIssue({ code: "custom", path: ["DEMO_MODE"], message: `DEMO_MODE needs HOST on loopback, got ${env.HOST}` });
    }
    if (env.SHOPIFY_APP_URL && !LOOPBACK_HOSTS.has(new URL(env.SHOPIFY_APP_URL).hostname.replace(/^\[|\]$/g, ""))) {
      ctx.addIssue({ code: "custom", path: ["DEMO_MODE"], message: "DEMO_MODE is refused with a public SHOPIFY_APP_URL" });
    }
  });

export type Env = z.infer<typeof EnvSchema> & {
  SHOPIFY_API_KEY: string;
  SHOPIFY_API_SECRET: string;
  SHOPIFY_APP_URL: string;
};

/** Parses an environment; throws one readable error listing every problem. */
export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const env = result.data;
  return {
    ...env,
    SHOPIFY_API_KEY: env.SHOPIFY_API_KEY ?? DEMO_DEFAULTS.apiKey,
    SHOPIFY_API_SECRET: env.SHOPIFY_API_SECRET ?? DEMO_DEFAULTS.apiSecret,
    SHOPIFY_APP_URL: env.SHOPIFY_APP_URL ?? `http://${env.HOST.includes(":") ? `[${env.HOST}]` : env.HOST}:${env.PORT}`,
  };
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Forgets the parsed environment so the next env() re-reads process.env (tests that simulate outages). */
export function reloadEnv(): void {
  cached = undefined;
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

/** DATABASE_URL, which the bootstrap guarantees is set before any process touches the database. */
export function databaseUrl(): string {
  const url = env().DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set; start through `npm run demo` or set it");
  return url;
}
