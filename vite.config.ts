/// <reference types="vitest/config" />
import path from "node:path";
import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

const alias = {
  "~": path.resolve(__dirname, "app"),
  "#test": path.resolve(__dirname, "tests/support"),
};

export default defineConfig({
  server: {
    port: Number(process.env.PORT || 3000),
    hmr: { port: Number(process.env.HMR_SERVER_PORT || 8002) },
    fs: { allow: ["app", "node_modules"] },
  },
  resolve: { alias },
  plugins: process.env.VITEST
    ? []
    : [
        remix({
          // Tests and benchmarks build elsewhere (BUILD_DIR) so they never race `npm run demo`.
          buildDirectory: process.env.BUILD_DIR ?? "build",
          ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
          future: {
            v3_fetcherPersist: true,
            v3_relativeSplatPath: true,
            v3_throwAbortReason: true,
            v3_lazyRouteDiscovery: true,
            v3_singleFetch: true,
          },
        }),
      ],
  build: { assetsInlineLimit: 0 },
  optimizeDeps: { include: ["@shopify/app-bridge-react", "@shopify/polaris"] },
  test: {
    // Integration suites share one database and one Redis: files run one at a time.
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.{ts,tsx}"],
          environment: "node",
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.{ts,tsx}"],
          environment: "node",
          globalSetup: ["tests/support/global-setup.ts"],
          setupFiles: ["tests/support/setup-integration.ts"],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve: { alias },
        test: {
          // Chromium against the running app (tests/e2e/global-setup.ts builds and starts it).
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/e2e/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
