/**
 * The segment's members as CSV, streamed: rows are read 1,000 at a time and written as the
 * client takes them (pull-based stream), so memory stays flat at any segment size. Inside the
 * Shopify admin the page fetches this with its session token and saves the blob; in the demo
 * mode a plain link downloads it.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportSegmentMembersCsv, getSegment } from "~/domains/segments/segments.server";
import { authenticateAdmin, type RequestContext } from "~/shopify.server";
import { parseSegmentId } from "~/components/segments/ids";
import { csvFileName } from "~/components/segments/csv-name";

/** Excel reads UTF-8 CSV as the local code page unless it starts with a byte-order mark. */
const BOM = "\uFEFF";

export const loader = async ({ request, context, params }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const id = parseSegmentId(params.segmentId);
  const segment = id ? await getSegment(shop, id) : null;
  if (!id || !segment) throw new Response("Segment not found", { status: 404 });
  const lines = exportSegmentMembersCsv(shop, id);
  const encoder = new TextEncoder();
  let started = false;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(BOM));
        }
        const next = await lines.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await lines.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${csvFileName(segment.name, new Date())}"`,
      "Cache-Control": "no-store",
    },
  });
};
