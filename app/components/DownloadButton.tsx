import { Button, InlineStack, Text } from "@shopify/polaris";
import { useState } from "react";

/** Inside the Shopify admin a download needs the session token, which App Bridge adds to fetch(). */
async function downloadWithSessionToken(url: string, fallbackName: string) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(String(res.status));
  const name = /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") ?? "")?.[1] ?? fallbackName;
  const href = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

/**
 * A button that downloads an attachment from an admin resource route. Embedded: fetch + blob (the
 * session token rides on fetch). Demo mode: a document navigation, so the browser streams the file
 * to disk (a Remix link would attempt a client-side navigation instead, and Polaris' `url` +
 * `download` goes through that link).
 */
export function DownloadButton({ url, fallbackName, label, failedLabel, demo }: { url: string; fallbackName: string; label: string; failedLabel: string; demo: boolean }) {
  const [state, setState] = useState<"idle" | "busy" | "failed">("idle");
  if (demo) return <Button onClick={() => window.location.assign(url)}>{label}</Button>;
  return (
    <InlineStack gap="200" blockAlign="center">
      <Button
        loading={state === "busy"}
        onClick={() => {
          setState("busy");
          downloadWithSessionToken(url, fallbackName).then(
            () => setState("idle"),
            () => setState("failed"),
          );
        }}
      >
        {label}
      </Button>
      {state === "failed" ? (
        <Text as="span" tone="critical">
          {failedLabel}
        </Text>
      ) : null}
    </InlineStack>
  );
}
