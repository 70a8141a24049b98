/* Journey storefront widgets: <journey-reviews>, <journey-loyalty>, <journey-review-prompt>.
   Hand-written, dependency-free. Server-rendered Liquid is the baseline: every fetch failure
   leaves it as it is. Shopper text is only ever set through textContent. */
(() => {
  if (window.customElements && customElements.get("journey-reviews")) return;
  // Ledger sources, in the order of the block's data-msg-sources translations.
  const SOURCES = ["ORDER", "REFUND", "CANCEL", "SIGNUP", "REVIEW", "REDEMPTION", "REDEMPTION_FAILED", "EXPIRY", "ADJUSTMENT"];
  const lang = document.documentElement.lang || undefined;
  const money = (v, c) => new Intl.NumberFormat(lang, { style: "currency", currency: c }).format(v);
  const fmt = (s, v) => (s || "").replace(/\[(\w+)\]/g, (m, k) => (k in v ? v[k] : m));
  const key = () => (crypto.randomUUID ? crypto.randomUUID() : Date.now() + "-" + Math.random().toString(36).slice(2)).replace(/[^\w-]/g, "");
  const el = (tag, cls, text) => {
    const n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = text;
    return n;
  };
  const withCode = (n, msg, code) => {
    const [a, b = ""] = msg.split("[code]");
    n.append(a, el("span", "journey-code", code), b);
    return n;
  };
  async function call(url, body) {
    const init = { credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body) Object.assign(init, { method: "POST", body: JSON.stringify(body), headers: { Accept: "application/json", "Content-Type": "application/json" } });
    const res = await fetch(url, init);
    let data = {};
    try {
      data = await res.json();
    } catch (e) {}
    return { status: res.status, data };
  }
  const stars = (rating, label) => {
    const s = el("span", "journey-stars");
    s.setAttribute("role", "img");
    s.setAttribute("aria-label", fmt(label, { rating }));
    s.style.setProperty("--journey-fill", rating * 20 + "%");
    return s;
  };
  async function submitReview(root, form, productId, status) {
    const fd = new FormData(form);
    const body = Object.fromEntries(fd.entries());
    body.requestKey = form.dataset.key || (form.dataset.key = key());
    const button = form.querySelector("[type=submit]");
    button.disabled = true;
    status.classList.remove("is-error");
    form.querySelectorAll("[aria-invalid]").forEach((f) => f.removeAttribute("aria-invalid"));
    try {
      const { status: code, data } = await call(root.dataset.proxy + "/reviews/" + productId, body);
      if (code === 201) {
        status.textContent = data.status === "PUBLISHED" ? root.dataset.msgPublished : root.dataset.msgPending;
        form.querySelectorAll("input,textarea,button").forEach((f) => (f.disabled = true));
        return true;
      }
      const fields = Object.keys(data.fieldErrors || {});
      fields.forEach((f) => form.elements[f] && form.elements[f].setAttribute && form.elements[f].setAttribute("aria-invalid", "true"));
      // The app's messages are English; data-err-<field> are the block's.
      status.textContent = code === 409 ? root.dataset.msgDuplicate : [root.dataset.msgError, ...fields.map((f) => root.dataset["err" + f[0].toUpperCase() + f.slice(1).toLowerCase()])].filter(Boolean).join(" ");
      if (code !== 409) delete form.dataset.key;
    } catch (e) {
      status.textContent = root.dataset.msgError;
    }
    status.classList.add("is-error");
    button.disabled = false;
    return false;
  }

  class Reviews extends HTMLElement {
    connectedCallback() {
      const form = this.querySelector(".journey-form");
      if (form)
        form.addEventListener("submit", (e) => {
          e.preventDefault();
          submitReview(this, form, this.dataset.productId, form.querySelector(".journey-form__status"));
        });
      const more = this.querySelector("[data-more]");
      if (more) more.addEventListener("click", () => this.more(more));
    }
    async more(button) {
      const list = this.querySelector(".journey-reviews__list");
      const last = list.lastElementChild;
      button.disabled = true;
      try {
        const { status, data } = await call(this.dataset.proxy + "/reviews/" + this.dataset.productId + (last ? "?before=" + last.dataset.id : ""));
        if (status !== 200) throw 0;
        for (const r of data.reviews) {
          const li = el("li", "journey-review");
          li.dataset.id = r.id;
          li.append(stars(r.rating, this.dataset.msgStars));
          if (r.title) li.append(el("h3", "journey-review__title", r.title));
          li.append(el("p", "journey-review__body", r.body));
          const meta = el("p", "journey-review__meta");
          meta.append(el("span", "", r.author));
          if (r.verified) meta.append(el("span", "journey-review__verified", this.dataset.msgVerified));
          if (r.date) meta.append(el("time", "", new Date(r.date).toLocaleDateString(lang)));
          li.append(meta);
          list.append(li);
        }
        if (data.nextBefore) button.disabled = false;
        else button.remove();
      } catch (e) {
        button.disabled = false;
      }
    }
  }

  class Loyalty extends HTMLElement {
    connectedCallback() {
      if (this.hasAttribute("data-customer")) this.refresh();
    }
    async refresh() {
      let res;
      try {
        res = await call(this.dataset.proxy + "/loyalty");
      } catch (e) {
        return;
      }
      if (res.status !== 200 || !res.data.loggedIn) return;
      this.render(res.data);
    }
    render(d) {
      const q = (s) => this.querySelector(s);
      q("[data-balance]").textContent = d.balance;
      // Hidden, the sentence keeps its lines (see the block): nothing moves.
      const p = q("[data-pending]");
      if (d.pending > 0) p.textContent = fmt(this.dataset.msgPending, { points: d.pending });
      p.classList.toggle("is-empty", !(d.pending > 0));
      const options = q("[data-options]");
      options.replaceChildren();
      for (const o of d.redeemOptions) {
        const b = el("button", "journey-button", fmt(this.dataset.msgRedeem, { points: o.points, value: money(o.value, d.program.currency) }));
        b.type = "button";
        b.addEventListener("click", () => this.redeem(o.points, b));
        options.append(b);
      }
      if (!d.redeemOptions.length) options.append(el("p", "", this.dataset.msgNone));
      // Issued codes, also after a reload or when settled later.
      q("[data-codes]").replaceChildren(...d.redemptions.filter((r) => r.status == "ISSUED").map((r) => withCode(el("li"), fmt(this.dataset.msgIssued, { value: money(r.value, r.currency) }), r.code)));
      const history = q("[data-history]");
      const names = (this.dataset.msgSources || "").split("|");
      const label = (source) => names[SOURCES.indexOf(source)] || source;
      history.replaceChildren(...d.history.map((h) => el("li", "", (h.points > 0 ? "+" : "") + h.points + " · " + label(h.source) + " · " + new Date(h.at).toLocaleDateString(lang))));
      if (!d.history.length) history.append(el("li", "", this.dataset.msgEmpty));
    }
    async redeem(points, button) {
      const status = this.querySelector("[data-status]");
      button.dataset.key = button.dataset.key || key();
      this.querySelectorAll("[data-options] button").forEach((b) => (b.disabled = true));
      try {
        const { status: code, data } = await call(this.dataset.proxy + "/loyalty/redeem", { points, requestKey: button.dataset.key });
        if (code === 200 && data.ok) {
          status.textContent = "";
          withCode(status, this.dataset.msgCode, data.code);
          delete button.dataset.key;
          return this.refresh();
        }
        status.textContent = this.dataset.msgError;
        if (code !== 503) delete button.dataset.key;
      } catch (e) {
        status.textContent = this.dataset.msgError;
      }
      this.querySelectorAll("[data-options] button").forEach((b) => (b.disabled = false));
    }
  }

  class Prompt extends HTMLElement {
    async connectedCallback() {
      // One proxy call per 10 minutes of browsing, per customer (a tab can change hands).
      let d;
      try {
        const cached = JSON.parse(sessionStorage.getItem("journey-prompt-data") || "null");
        if (cached && cached.c == this.dataset.customer && Date.now() - cached.at < 600000) d = cached.d;
        else {
          const res = await call(this.dataset.proxy + "/reviews/prompt");
          if (res.status !== 200) return;
          d = res.data;
          sessionStorage.setItem("journey-prompt-data", JSON.stringify({ c: this.dataset.customer, at: Date.now(), d }));
        }
      } catch (e) {
        return;
      }
      const product = d && d.eligible && d.products[0];
      if (!product || localStorage.getItem("journey-prompt") === d.promptKey) return;
      // The form is server-rendered inside the hidden card; only the product is filled in here.
      const form = this.querySelector("form");
      const title = this.querySelector("[data-title]");
      title.textContent = fmt(title.dataset.template, { title: product.title });
      this.querySelector("[data-close]").addEventListener("click", () => {
        localStorage.setItem("journey-prompt", d.promptKey);
        this.hidden = true;
      });
      form.addEventListener("submit", async (e) => {
        e.preventDefault();
        if (await submitReview(this, form, product.productId, form.querySelector(".journey-form__status"))) {
          sessionStorage.removeItem("journey-prompt-data");
          setTimeout(() => (this.hidden = true), 4000);
        }
      });
      this.hidden = false;
    }
  }

  customElements.define("journey-reviews", Reviews);
  customElements.define("journey-loyalty", Loyalty);
  customElements.define("journey-review-prompt", Prompt);
})();
