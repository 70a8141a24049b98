/**
 * The Admin API, for workers and domain code: adminFor(shop) (the offline session through
 * unauthenticated.admin), adminQuery() that turns GraphQL errors and THROTTLED into typed errors,
 * and isTerminal() that tells a retry from a dead end.
 */
import { GraphqlQueryError } from "@shopify/shopify-api";
import { SessionNotFoundError } from "@shopify/shopify-app-remix/server";
import { UnrecoverableError } from "bullmq";
import { unauthenticated } from "~/shopify.server";

/** The part of an Admin API client we use: `admin.graphql` of authenticate.admin or unauthenticated.admin. */
export type AdminGraphql = {
  graphql: (query: string, options?: { variables?: Record<string, unknown> }) => Promise<Response>;
};

export class ShopifyGraphqlError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly errors: unknown,
  ) {
    super(message);
    this.name = "ShopifyGraphqlError";
  }
}

/** Shopify's cost-based limit answered THROTTLED; retry after `retryAfterMs`. */
export class ShopifyThrottledError extends ShopifyGraphqlError {
  constructor(readonly retryAfterMs: number) {
    super(`Admin API throttled; retry in ${retryAfterMs} ms`, 200, null);
    this.name = "ShopifyThrottledError";
  }
}

/** A mutation's userErrors: bad input on our side, never fixed by retrying. */
export class ShopifyUserError extends Error {
  constructor(readonly userErrors: { field?: string[] | null; message: string; code?: string | null }[]) {
    super(userErrors.map((e) => `${e.field?.join(".") ?? "input"}: ${e.message}`).join("; "));
    this.name = "ShopifyUserError";
  }
}

type Cost = { requestedQueryCost?: number; throttleStatus?: { currentlyAvailable: number; restoreRate: number } };

function throttleWait(cost: Cost | undefined): number {
  const status = cost?.throttleStatus;
  if (!status || !cost?.requestedQueryCost) return 1000;
  const missing = cost.requestedQueryCost - status.currentlyAvailable;
  return Math.max(1000, Math.ceil((missing / Math.max(status.restoreRate, 1)) * 1000));
}

/** Runs one operation and returns `data`, or throws a typed error. */
export async function adminQuery<T>(admin: AdminGraphql, query: string, variables?: Record<string, unknown>): Promise<T> {
  let response: Response;
  try {
    response = await admin.graphql(query, variables ? { variables } : undefined);
  } catch (error) {
    // shopify-api throws GraphqlQueryError for responses with `errors`.
    if (error instanceof GraphqlQueryError) {
      // The client wraps the response's `errors` array as `errors.graphQLErrors`.
      type GqlError = { extensions?: { code?: string } };
      const body = error.body as { errors?: GqlError[] | { graphQLErrors?: GqlError[] }; extensions?: { cost?: Cost } } | undefined;
      const errors = Array.isArray(body?.errors) ? body.errors : (body?.errors?.graphQLErrors ?? []);
      if (errors.some((e) => e.extensions?.code === "THROTTLED")) throw new ShopifyThrottledError(throttleWait(body?.extensions?.cost));
      const status = (error.response as { code?: number } | undefined)?.code ?? null;
      throw new ShopifyGraphqlError(error.message, status, errors);
    }
    throw error;
  }
  const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[]; extensions?: { cost?: Cost } };
  if (body.errors?.length) {
    if (body.errors.some((e) => e.extensions?.code === "THROTTLED")) throw new ShopifyThrottledError(throttleWait(body.extensions?.cost));
    throw new ShopifyGraphqlError(body.errors.map((e) => e.message).join("; "), response.status, body.errors);
  }
  if (!body.data) throw new ShopifyGraphqlError("Admin API returned no data", response.status, null);
  return body.data;
}

export function assertNoUserErrors(userErrors: { field?: string[] | null; message: string; code?: string | null }[] | null | undefined) {
  if (userErrors?.length) throw new ShopifyUserError(userErrors);
}

/** The Admin API of a shop, from its offline session (workers). Throws SessionNotFoundError when uninstalled. */
export async function adminFor(shop: string): Promise<AdminGraphql> {
  const { admin } = await unauthenticated.admin(shop);
  return admin;
}

/** What a job handler throws for a terminal error: BullMQ's UnrecoverableError, the error as its cause. */
export function unrecoverable(error: unknown): UnrecoverableError {
  return Object.assign(new UnrecoverableError(error instanceof Error ? error.message : String(error)), { cause: error });
}

/** Runs a job's Shopify work; a terminal failure (see isTerminal) fails the job for good instead of being retried. */
export async function terminalAware<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isTerminal(error)) throw unrecoverable(error);
    throw error;
  }
}

/**
 * The shop has no offline session: it uninstalled the app, or it is the local demo shop. Nothing
 * can be written to Shopify for it, and no retry changes that (a reinstall resyncs what matters).
 */
export function isShopNotConnected(error: unknown): boolean {
  return error instanceof SessionNotFoundError || (error instanceof Error && error.cause instanceof SessionNotFoundError);
}

/**
 * Errors that retrying cannot fix: no session (uninstalled), 401/402/403/404/423 (token revoked,
 * shop frozen or closed, resource gone, shop locked), userErrors. Job handlers turn these into
 * BullMQ's UnrecoverableError through terminalAware.
 * @see https://shopify.dev/docs/api/usage/response-codes
 */
export function isTerminal(error: unknown): boolean {
  if (error instanceof SessionNotFoundError || error instanceof ShopifyUserError) return true;
  if (error instanceof ShopifyGraphqlError && !(error instanceof ShopifyThrottledError)) {
    return error.status !== null && [401, 402, 403, 404, 423].includes(error.status);
  }
  const status = (error as { response?: { code?: number } })?.response?.code;
  return status !== undefined && [401, 402, 403, 404, 423].includes(status);
}
