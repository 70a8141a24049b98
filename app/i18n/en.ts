/** English strings: the source locale. Every UI string lives here or in fr.ts, nowhere else. */
export const en = {
  app: {
    name: "Journey",
    nav: { home: "Home", deliveries: "Data & deliveries", privacy: "Privacy requests" },
    demoBanner: "Local demo mode: showing {shop} without the Shopify admin.",
  },
  home: {
    title: "Home",
    ingested: "Ingested data",
    customers: "Customers",
    orders: "Orders",
    checkouts: "Checkouts",
    refunds: "Refunds",
    deliveries: "Webhook deliveries",
    emptyTitle: "Waiting for your store's first events",
    emptyBody: "Orders, checkouts and customers appear here as Shopify sends them. Nothing to set up.",
  },
  deliveries: {
    title: "Data & deliveries",
    subtitle: "Every webhook Shopify sent, as stored, and what the worker did with it.",
    topic: "Topic",
    status: "Status",
    outcome: "Outcome",
    received: "Received",
    attempts: "Attempts",
    filterAll: "All",
    empty: "No deliveries with this status.",
    statuses: { RECEIVED: "Waiting", PROCESSED: "Processed", SKIPPED: "Skipped", REJECTED: "Rejected", FAILED: "Failed" },
    next: "Older",
    previous: "Newer",
  },
  privacy: {
    title: "Privacy requests",
    subtitle: "Customer data requests and erasures sent by Shopify. Each is completed automatically; Shopify's deadline is 30 days.",
    topic: "Request",
    customer: "Customer",
    received: "Received",
    due: "Due",
    completed: "Completed",
    download: "Download export",
    pending: "Pending",
    empty: "No privacy requests yet.",
    topics: { "customers/data_request": "Data request", "customers/redact": "Erasure" },
  },
  errors: {
    title: "Something went wrong",
    retry: "Reload the page. If it keeps failing, the app's operator can check the server log.",
    notFound: "Not found",
  },
} as const;

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type Messages = Widen<typeof en>;
