/**
 * Renders the theme app extension's blocks offline with liquidjs, standing in for Shopify's
 * Liquid: the `t` filter reads the extension's own locale files, `asset_url` points at a local
 * path, `payment_type_svg_tag` draws a labelled placeholder, `{% schema %}` is dropped. The
 * context (product, customer, metafields, app) is what a test passes, shaped like Shopify's objects.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Liquid, Tag, type Context, type Emitter, type TagToken, type TopLevelToken } from "liquidjs";

export const EXTENSION_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../extensions/storefront");

type Messages = Record<string, unknown>;

/** A key's text; plural keys ({one, other}) pick by `count`, as Shopify's `t` does. */
function lookup(messages: Messages, key: string, count?: unknown): string | undefined {
  const value = key.split(".").reduce<unknown>((node, part) => (node as Messages | undefined)?.[part], messages);
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && count !== undefined) {
    const forms = value as Record<string, string>;
    return Number(count) === 1 ? forms.one : forms.other;
  }
  return undefined;
}

/** Liquid hands `filter: name: value` arguments as [name, value] pairs. */
function namedArgs(args: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of args) if (Array.isArray(a) && a.length === 2 && typeof a[0] === "string") out[a[0]] = a[1];
  return out;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export function themeEngine(locale: "en" | "fr" = "en") {
  const file = locale === "en" ? "en.default.json" : `${locale}.json`;
  const messages = JSON.parse(readFileSync(path.join(EXTENSION_DIR, "locales", file), "utf8")) as Messages;
  const fallback = JSON.parse(readFileSync(path.join(EXTENSION_DIR, "locales", "en.default.json"), "utf8")) as Messages;
  const engine = new Liquid({
    root: [path.join(EXTENSION_DIR, "blocks"), path.join(EXTENSION_DIR, "snippets")],
    extname: ".liquid",
    strictFilters: true,
    ownPropertyOnly: true,
  });
  // Theme-editor and asset tags that have no output of their own here.
  for (const name of ["schema", "javascript", "stylesheet"]) {
    engine.registerTag(
      name,
      class extends Tag {
        constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
          super(token, remain, liquid);
          while (remain.length) {
            const t = remain.shift()!;
            if ((t as TagToken).name === `end${name}`) return;
          }
          throw new Error(`{% ${name} %} without {% end${name} %}`);
        }
        *render(_ctx: Context, _emitter: Emitter) {}
      },
    );
  }
  engine.registerFilter("t", (key: string, ...args: unknown[]) => {
    const vars = namedArgs(args);
    const text = lookup(messages, key, vars.count) ?? lookup(fallback, key, vars.count);
    if (text === undefined) throw new Error(`missing translation ${key}`);
    return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
  });
  engine.registerFilter("asset_url", (name: string) => `/assets/${name}`);
  engine.registerFilter("json", (value: unknown) => JSON.stringify(value));
  engine.registerFilter("payment_type_svg_tag", (type: string, ...args: unknown[]) => {
    const cls = String(namedArgs(args).class ?? "");
    return `<svg class="${escapeHtml(cls)}" viewBox="0 0 38 24" width="38" height="24" role="img" aria-labelledby="pi-${escapeHtml(type)}"><title id="pi-${escapeHtml(type)}">${escapeHtml(type)}</title><rect width="38" height="24" rx="3" fill="#eee"/></svg>`;
  });
  engine.registerFilter("date", (value: string, ...args: unknown[]) => {
    const format = namedArgs(args).format;
    const d = new Date(value);
    return format === "date" ? d.toLocaleDateString(locale, { dateStyle: "medium", timeZone: "UTC" }) : d.toISOString();
  });
  return engine;
}

export type ShopperContext = {
  product?: { id: number; title: string; url: string; metafields?: Record<string, unknown> };
  customer?: { id: number; first_name: string; metafields?: Record<string, unknown> } | null;
  app?: { metafields: Record<string, unknown> };
  shop?: { url: string; enabled_payment_types: string[] };
  /** The theme editor sets request.design_mode. */
  request?: { design_mode: boolean };
};

/** The HTML of one block (blocks/<name>.liquid) with its settings, in a shopper's context. */
export async function renderBlock(name: string, settings: Record<string, unknown>, context: ShopperContext, locale: "en" | "fr" = "en"): Promise<string> {
  const engine = themeEngine(locale);
  return engine.renderFile(name, {
    block: { id: `block-${name}`, settings, shopify_attributes: "" },
    routes: { account_login_url: "/account/login", account_register_url: "/account/register", root_url: "/" },
    shop: { url: "https://example.myshopify.com", enabled_payment_types: ["visa", "master"] },
    app: { metafields: {} },
    customer: null,
    ...context,
  });
}

/** Settings defaults of a block, read from its {% schema %}. */
export function blockDefaults(name: string): Record<string, unknown> {
  const source = readFileSync(path.join(EXTENSION_DIR, "blocks", `${name}.liquid`), "utf8");
  const schema = JSON.parse(/\{%\s*schema\s*%\}([\s\S]*?)\{%\s*endschema\s*%\}/.exec(source)![1]!) as { settings: { id: string; default?: unknown }[] };
  return Object.fromEntries(schema.settings.map((s) => [s.id, s.default ?? ""]));
}
