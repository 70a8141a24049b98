-- wrk script: signed Shopify deliveries, alternating orders/create and checkouts/update, each with
-- a unique X-Shopify-Webhook-Id (a repeated id would be a duplicate, answered without a write).
-- Inputs (env): ORDERS_FILE, ORDERS_HMAC, CHECKOUTS_FILE, CHECKOUTS_HMAC, SHOP.
local function read(path)
  local f = assert(io.open(path, "rb"))
  local body = f:read("*a")
  f:close()
  return body
end

local kinds = {
  { topic = "orders/create", body = read(os.getenv("ORDERS_FILE")), hmac = os.getenv("ORDERS_HMAC") },
  { topic = "checkouts/update", body = read(os.getenv("CHECKOUTS_FILE")), hmac = os.getenv("CHECKOUTS_HMAC") },
}
local shop = os.getenv("SHOP")
local run = os.getenv("RUN_ID")
local counter = 0

request = function()
  counter = counter + 1
  local kind = kinds[(counter % 2) + 1]
  return wrk.format("POST", "/webhooks/" .. kind.topic, {
    ["Content-Type"] = "application/json",
    ["X-Shopify-Topic"] = kind.topic,
    ["X-Shopify-Shop-Domain"] = shop,
    ["X-Shopify-API-Version"] = "2026-04",
    ["X-Shopify-Webhook-Id"] = run .. "-" .. counter,
    ["X-Shopify-Hmac-Sha256"] = kind.hmac,
  }, kind.body)
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d non2xx=%d errors=%d seconds=%.3f p50=%.3f p99=%.3f\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
