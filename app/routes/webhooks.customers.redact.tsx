import type { ActionFunctionArgs } from "@remix-run/node";
import { ingestWebhook } from "~/webhooks/ingest.server";

// customers/redact: verify, store, enqueue (app/webhooks/ingest.server.ts). Subscribed in shopify.app.toml.
export const action = ({ request }: ActionFunctionArgs) => ingestWebhook(request);
