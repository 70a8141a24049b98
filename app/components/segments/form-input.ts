/** The segment form's fields as the domain's parseSegmentInput expects them (rule as JSON text). */
export function segmentFormInput(form: FormData) {
  const text = (key: string) => {
    const value = form.get(key);
    return typeof value === "string" ? value : undefined;
  };
  return { name: text("name"), description: text("description") || null, syncMode: text("syncMode") ?? "NONE", syncTag: text("syncTag") || null, rule: text("rule") };
}
