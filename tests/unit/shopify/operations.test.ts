import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { operationName, validateOperation } from "#test/admin-schema";

const dir = path.resolve(__dirname, "../../../app/shopify/operations");
const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));

describe("every GraphQL operation the app sends", () => {
  it("exists (the app talks to the Admin API)", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(`${file} is valid against Shopify's Admin schema and named after its file`, async () => {
      const module = (await import(path.join(dir, file))) as Record<string, unknown>;
      const documents = Object.values(module).filter((v): v is string => typeof v === "string" && v.includes("#graphql"));
      expect(documents).toHaveLength(1);
      const query = documents[0]!;
      expect(validateOperation(query).map((e) => e.message)).toEqual([]);
      expect(operationName(query)).toBe(path.basename(file, ".ts"));
    });
  }
});
