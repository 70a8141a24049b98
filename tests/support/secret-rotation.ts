/**
 * A client-secret rotation, as an operator runs one: SHOPIFY_API_SECRET becomes ROTATED_SECRET and
 * SHOPIFY_API_SECRET_PREVIOUS holds the old one (or nothing, once the rotation is over).
 * endRotation puts the test secret back; call it after each test that rotates.
 */
import { reloadEnv } from "~/env.server";
import { TEST_API_SECRET } from "./constants";

const ROTATED_SECRET = "rotated-client-secret";

export function rotateSecret(previous: string | undefined) {
  process.env.SHOPIFY_API_SECRET = ROTATED_SECRET;
  if (previous) process.env.SHOPIFY_API_SECRET_PREVIOUS = previous;
  else delete process.env.SHOPIFY_API_SECRET_PREVIOUS;
  reloadEnv();
}

export function endRotation() {
  process.env.SHOPIFY_API_SECRET = TEST_API_SECRET;
  delete process.env.SHOPIFY_API_SECRET_PREVIOUS;
  reloadEnv();
}
