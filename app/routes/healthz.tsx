import { getHealth } from "~/lib/health.server";

/** Liveness and readiness for load balancers: 200 when Postgres and the queue answer, else 503. */
export const loader = async () => {
  const health = await getHealth();
  return new Response(JSON.stringify(health), {
    status: health.ok ? 200 : 503,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
  });
};
