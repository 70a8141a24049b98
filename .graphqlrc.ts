/**
 * GraphQL config for editors and codegen (`npm run graphql-codegen`, Shopify's preset). The schema
 * is the pinned introspection of API_VERSION from tests/support/fixtures, unpacked to
 * app/types/admin-<version>.schema.json by scripts/admin-schema.ts: the same file the validation
 * test uses, so codegen, validation and the runtime version never drift, and nothing is downloaded.
 */
import { ApiType, shopifyApiProject } from "@shopify/api-codegen-preset";
import { API_VERSION } from "./app/shopify/api-version";

export default {
  schema: `./app/types/admin-${API_VERSION}.schema.json`,
  documents: ["./app/shopify/operations/*.ts"],
  projects: {
    default: shopifyApiProject({
      apiType: ApiType.Admin,
      apiVersion: API_VERSION,
      documents: ["./app/shopify/operations/*.ts"],
      outputDir: "./app/types",
    }),
  },
};
