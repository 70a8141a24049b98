import { describe, expect, it } from "vitest";
import { normalizeTopic } from "~/webhooks/topics";

describe("normalizeTopic", () => {
  it("accepts both header spellings Shopify uses", () => {
    expect(normalizeTopic("orders/create")).toBe("orders/create");
    expect(normalizeTopic("ORDERS_CREATE")).toBe("orders/create");
    expect(normalizeTopic("CUSTOMERS_DATA_REQUEST")).toBe("customers/data_request");
    expect(normalizeTopic("APP_SCOPES_UPDATE")).toBe("app/scopes_update");
  });

  it("returns null for topics the app does not handle", () => {
    expect(normalizeTopic("products/update")).toBeNull();
    expect(normalizeTopic("")).toBeNull();
  });
});
