import { ApiVersion } from "@shopify/shopify-api";

/**
 * The one Admin API version. shopify.server.ts uses it, `[webhooks] api_version` in
 * shopify.app.toml must equal it and so must the schema `.graphqlrc.ts` points codegen at;
 * tests/unit/shopify/api-version.test.ts holds all three equal.
 */
export const API_VERSION = ApiVersion.April26;
