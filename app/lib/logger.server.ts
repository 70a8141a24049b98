import pino from "pino";

/**
 * The one logger. JSON lines to stdout (the operator's log pipeline parses them); child loggers
 * carry `{shop, topic}` or `{job, jobId, shop}`. Never log payloads: they hold personal data.
 */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: { service: process.env.SERVICE_NAME ?? "journey" },
  redact: ["*.accessToken", "*.email", "*.phone", "*.payload"],
});

export type Logger = typeof logger;
