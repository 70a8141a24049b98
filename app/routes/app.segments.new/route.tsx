/** Create a segment: rule builder with live preview; saving enqueues its first materialization. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { Page } from "@shopify/polaris";
import { createSegment } from "~/domains/segments/segments.server";
import { useT } from "~/i18n/I18nProvider";
import { authenticateAdmin, type RequestContext } from "~/shopify.server";
import { SegmentForm } from "~/components/segments/SegmentForm";
import { findTemplate } from "~/components/segments/templates";
import { RFM_GROUPS_WITH_PROSPECTS } from "~/domains/segments/rfm";
import type { MessageKey } from "~/i18n/i18n";
import { segmentFormInput } from "~/components/segments/form-input";

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  await authenticateAdmin(request, context as RequestContext);
  const params = new URL(request.url).searchParams;
  const template = findTemplate(params.get("template"));
  // "Create segment" next to a group on the segment list: that group, named as the merchant reads it.
  const group = params.get("rfmGroup");
  const rfmGroup = group && (RFM_GROUPS_WITH_PROSPECTS as readonly string[]).includes(group) ? group : null;
  return { template: template ? { id: template.id, rule: template.rule } : null, rfmGroup };
};

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const result = await createSegment(shop, segmentFormInput(await request.formData()));
  if (!result.ok) return data({ fieldErrors: result.fieldErrors }, { status: 422 });
  return redirect(`/app/segments/${result.segment.id}?created=1`);
};

export default function NewSegment() {
  const { template, rfmGroup } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useT();
  return (
    <Page title={t("admin.segments.newTitle")} backAction={{ content: t("admin.segments.title"), url: "/app/segments" }}>
      <SegmentForm
        initial={{
          name: template ? t(`admin.segments.templates.${template.id}`) : rfmGroup ? t(`admin.rfmGroups.${rfmGroup}` as MessageKey) : "",
          description: "",
          syncMode: "NONE",
          syncTag: "",
          rule: template?.rule ?? (rfmGroup ? { all: [{ fact: "rfmGroup", op: "in", value: [rfmGroup] }] } : null),
        }}
        fieldErrors={actionData?.fieldErrors}
        submitLabel={t("admin.segments.form.create")}
      />
    </Page>
  );
}
