import { API_KEY, API_SECRET_KEY, APP_URL, TEST_SHOP } from "@shopify/shopify-api/test-helpers";

/** The test app's credentials: shopify-api's own test-helper constants. */
export const TEST_API_KEY = API_KEY;
export const TEST_API_SECRET = API_SECRET_KEY;
export const TEST_APP_URL = APP_URL;
export { TEST_SHOP };
export const OTHER_SHOP = "other-shop.myshopify.com";
export const TEST_API_VERSION = "2026-04";
