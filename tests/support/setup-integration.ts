/**
 * Runs in each integration test worker before any test file imports the app: points the app's
 * environment at the run's database and queue, with shopify-api's test credentials.
 */
import { inject } from "vitest";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "./constants";

process.env.NODE_ENV = "test";
process.env.DATABASE_URL = inject("databaseUrl");
if (inject("redisUrl")) process.env.REDIS_URL = inject("redisUrl");
else delete process.env.REDIS_URL;
process.env.QUEUE_PREFIX = inject("queuePrefix");
process.env.SHOPIFY_API_KEY = TEST_API_KEY;
process.env.SHOPIFY_API_SECRET = TEST_API_SECRET;
process.env.SHOPIFY_APP_URL = TEST_APP_URL;
process.env.DEMO_MODE = "";
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? "silent";
