/**
 * Request bodies read with a byte cap. `request.text()` buffers whatever arrives, and a chunked
 * request carries no Content-Length to check first: on an endpoint anyone can reach (the web
 * pixel's), a large body would be held in memory before it is even authenticated. This reads the
 * stream and stops at the cap.
 */
export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`request body over ${maxBytes} bytes`);
  }
}

/** The body as UTF-8 text, or BodyTooLargeError as soon as more than `maxBytes` arrived. */
export async function readTextCapped(request: Request, maxBytes: number): Promise<string> {
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) throw new BodyTooLargeError(maxBytes);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
