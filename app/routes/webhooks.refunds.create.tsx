import type { ActionFunctionArgs } from "@remix-run/node";
import { ingestWebhook } from "~/webhooks/ingest.server";

// refunds/create: verify, store, enqueue (app/webhooks/ingest.server.ts). Subscribed in shopify.app.toml.
export const action = ({ request }: ActionFunctionArgs) => ingestWebhook(request);
