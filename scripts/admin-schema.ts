/**
 * Unpacks the pinned Admin GraphQL introspection (tests/support/fixtures/admin-schema) to
 * app/types/admin-<API_VERSION>.schema.json, where Shopify's codegen preset looks before it would
 * download one. Run by `npm run graphql-codegen`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { API_VERSION } from "../app/shopify/api-version";

const root = path.resolve(import.meta.dirname, "..");
const source = path.join(root, "tests/support/fixtures/admin-schema", `admin_${API_VERSION}.introspection.json.gz`);
const target = path.join(root, "app/types", `admin-${API_VERSION}.schema.json`);
const { data } = JSON.parse(gunzipSync(readFileSync(source)).toString("utf8")) as { data: unknown };
writeFileSync(target, JSON.stringify(data));
process.stdout.write(`wrote ${path.relative(root, target)}\n`);
