/** Edit a segment: a changed rule bumps its version and re-materializes membership. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { Page } from "@shopify/polaris";
import { getSegment, updateSegment } from "~/domains/segments/segments.server";
import { useT } from "~/i18n/I18nProvider";
import { authenticateAdmin, type RequestContext } from "~/shopify.server";
import { SegmentForm } from "~/components/segments/SegmentForm";
import { segmentFormInput } from "~/components/segments/form-input";
import { parseSegmentId } from "~/components/segments/ids";

export const loader = async ({ request, context, params }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const id = parseSegmentId(params.segmentId);
  const segment = id ? await getSegment(shop, id) : null;
  if (!segment) throw new Response("Segment not found", { status: 404 });
  return {
    segment: { id: segment.id.toString(), name: segment.name, description: segment.description ?? "", syncMode: segment.sync.mode, syncTag: segment.sync.tag ?? "", rule: segment.rule },
  };
};

export const action = async ({ request, context, params }: ActionFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const id = parseSegmentId(params.segmentId);
  if (!id) throw new Response("Segment not found", { status: 404 });
  const result = await updateSegment(shop, id, segmentFormInput(await request.formData()));
  if (!result.ok) return data({ fieldErrors: result.fieldErrors }, { status: 422 });
  return redirect(`/app/segments/${id}?saved=1`);
};

export default function EditSegment() {
  const { segment } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useT();
  return (
    <Page title={t("admin.segments.editTitle", { name: segment.name })} backAction={{ content: segment.name, url: `/app/segments/${segment.id}` }}>
      <SegmentForm initial={segment} fieldErrors={actionData?.fieldErrors} submitLabel={t("admin.segments.form.save")} />
    </Page>
  );
}
