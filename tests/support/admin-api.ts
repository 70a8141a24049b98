/**
 * A local Admin API stand-in for tests. It answers the app's real HTTP calls to
 * https://<shop>/admin/api/<version>/graphql.json (intercepted with undici's MockAgent, the
 * dispatcher behind Node's fetch), and checks every operation and its variables against Shopify's
 * real Admin schema before answering. Answers are registered per operation name; an unregistered
 * or invalid operation fails the request loudly, so a test cannot pass on a query Shopify would refuse.
 */
import { getGlobalDispatcher, MockAgent, setGlobalDispatcher, type Dispatcher } from "undici";
import { operationName, validateOperation } from "./admin-schema";

type Handler = (variables: Record<string, unknown>, shop: string) => unknown;
export type AdminCall = { shop: string; operationName: string; variables: Record<string, unknown>; apiVersion: string };

export class AdminApiStandIn {
  readonly calls: AdminCall[] = [];
  readonly problems: string[] = [];
  private handlers = new Map<string, Handler>();
  /** Files served over https (bulk operation results: Shopify hands out a storage URL). */
  private files = new Map<string, { body: string; status: number }>();
  private previous?: Dispatcher;
  private agent?: MockAgent;

  /** Registers the `data` (or a function of the variables returning it) for an operation. */
  on(name: string, handler: Handler | Record<string, unknown>): this {
    this.handlers.set(name, typeof handler === "function" ? (handler as Handler) : () => handler);
    return this;
  }

  /**
   * Serves `body` at `url` (GET), e.g. the JSONL of a completed bulk operation; another `status`
   * plays a refused download (an expired signed URL answers 400 or 403).
   */
  serveFile(url: string, body: string, status = 200): this {
    this.files.set(url, { body, status });
    return this;
  }

  install(): this {
    this.previous = getGlobalDispatcher();
    this.agent = new MockAgent();
    this.agent.disableNetConnect();
    this.agent
      .get((origin: string) => /^https:\/\/[a-z0-9-]+\.myshopify\.com$/.test(origin))
      .intercept({ path: (p: string) => /^\/admin\/api\/[\w-]+\/graphql\.json/.test(p), method: "POST" })
      .reply((req) => this.answer(req.origin?.toString() ?? "", req.path, String(req.body ?? "")))
      .persist();
    this.agent
      .get((origin: string) => [...this.files.keys()].some((url) => new URL(url).origin === origin))
      .intercept({ path: () => true, method: "GET" })
      .reply((req) => {
        const file = this.files.get(`${req.origin?.toString() ?? ""}${req.path}`);
        if (!file) return { statusCode: 404, data: "not found" };
        return { statusCode: file.status, data: file.body, responseOptions: { headers: { "content-type": file.status === 200 ? "application/jsonl" : "application/xml" } } };
      })
      .persist();
    setGlobalDispatcher(this.agent);
    return this;
  }

  async uninstall(): Promise<void> {
    if (this.previous) setGlobalDispatcher(this.previous);
    await this.agent?.close();
  }

  private answer(origin: string, path: string, rawBody: string) {
    const json = (statusCode: number, data: unknown) => ({ statusCode, data: JSON.stringify(data), responseOptions: { headers: { "content-type": "application/json" } } });
    const shop = new URL(origin).host;
    const apiVersion = path.split("/")[3] ?? "";
    const { query, variables = {} } = JSON.parse(rawBody) as { query: string; variables?: Record<string, unknown> };
    const name = operationName(query) ?? "(anonymous)";
    const errors = validateOperation(query, variables);
    if (errors.length) {
      this.problems.push(`${name}: ${errors.map((e) => e.message).join("; ")}`);
      return json(200, { errors: errors.map((e) => ({ message: e.message })) });
    }
    // A bulk query's document travels as a variable: it must be valid against the schema too.
    if (/\bbulkOperationRunQuery\b/.test(query) && typeof variables.query === "string") {
      const inner = validateOperation(variables.query);
      if (inner.length) {
        this.problems.push(`${name} (bulk document): ${inner.map((e) => e.message).join("; ")}`);
        return json(200, { errors: inner.map((e) => ({ message: e.message })) });
      }
    }
    const handler = this.handlers.get(name);
    if (!handler) {
      this.problems.push(`${name}: no stand-in answer registered`);
      return json(500, { errors: [{ message: `stand-in has no answer for ${name}` }] });
    }
    this.calls.push({ shop, operationName: name, variables, apiVersion });
    const result = handler(variables, shop);
    if (result && typeof result === "object" && "errors" in result) return json(200, result);
    const cost = { requestedQueryCost: 1, actualQueryCost: 1, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1999, restoreRate: 100 } };
    return json(200, { data: result, extensions: { cost } });
  }
}
