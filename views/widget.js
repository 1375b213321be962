/* profint search widget: <profint-search lang="sv" domain="" type="" placeholder=""
   results="8" target="_blank" type-chips></profint-search>. No dependencies; Shadow DOM
   keeps partner styles out; theme with --profint-accent, --profint-font, --profint-radius,
   --profint-bg, --profint-ink. The service's origin is taken from this script's URL. */
(function () {
  "use strict";
  var script = document.currentScript;
  var ORIGIN = script && script.src ? new URL(script.src).origin : location.origin;
  // The service's base URL: where this script was loaded from, less "/widget.js" (the service
  // may live under a base path such as https://partner.org/ressources/).
  var BASE = script && script.src ? script.src.replace(/\/widget\.js([?#].*)?$/, "") : ORIGIN;
  var T = {
    fr: { label: "Rechercher dans PROFINT", ph: "Décrivez une situation…", loading: "Recherche…", none: "Aucun résultat.", down: "Le service de recherche est injoignable.", refused: "Ce site ({o}) n'est pas autorisé à utiliser la recherche PROFINT : demandez à l'équipe PROFINT de l'ajouter aux sites partenaires.", n1: "1 résultat", n: "{n} résultats", shown: "en {l}", try: "Essayez :", all: "Tous", lang: { fr: "français", en: "anglais", it: "italien", sv: "suédois" }, types: { recommendation: "Recommandation", module: "Module", "case": "Cas", tool: "Outil", practice: "Pratique" } },
    en: { label: "Search PROFINT", ph: "Describe a situation…", loading: "Searching…", none: "No results.", down: "The search service cannot be reached.", refused: "This site ({o}) is not authorised to use the PROFINT search: ask the PROFINT team to add it to the partner sites.", n1: "1 result", n: "{n} results", shown: "in {l}", try: "Try:", all: "All", lang: { fr: "French", en: "English", it: "Italian", sv: "Swedish" }, types: { recommendation: "Recommendation", module: "Module", "case": "Case", tool: "Tool", practice: "Practice" } },
    it: { label: "Cerca in PROFINT", ph: "Descrivi una situazione…", loading: "Ricerca…", none: "Nessun risultato.", down: "Il servizio di ricerca non è raggiungibile.", refused: "Questo sito ({o}) non è autorizzato a usare la ricerca PROFINT: chiedi al team PROFINT di aggiungerlo ai siti partner.", n1: "1 risultato", n: "{n} risultati", shown: "in {l}", try: "Prova:", all: "Tutti", lang: { fr: "francese", en: "inglese", it: "italiano", sv: "svedese" }, types: { recommendation: "Raccomandazione", module: "Modulo", "case": "Caso", tool: "Strumento", practice: "Pratica" } },
    sv: { label: "Sök i PROFINT", ph: "Beskriv en situation…", loading: "Söker…", none: "Inga resultat.", down: "Söktjänsten går inte att nå.", refused: "Den här webbplatsen ({o}) har inte behörighet att använda PROFINT-sökningen: be PROFINT-teamet att lägga till den bland partnerwebbplatserna.", n1: "1 resultat", n: "{n} resultat", shown: "på {l}", try: "Prova:", all: "Alla", lang: { fr: "franska", en: "engelska", it: "italienska", sv: "svenska" }, types: { recommendation: "Rekommendation", module: "Modul", "case": "Fall", tool: "Verktyg", practice: "Gott exempel" } }
  };
  var CSS = ":host{display:block;font-family:var(--profint-font,system-ui,sans-serif);color:var(--profint-ink,#1b1f24);--a:var(--profint-accent,#1f4fa8);--r:var(--profint-radius,10px)}" +
    "*{box-sizing:border-box}.w{position:relative;background:var(--profint-bg,#fff)}label{display:block;font-weight:600;margin:0 0 .3em}" +
    "input{width:100%;font:inherit;padding:.6em .8em;border:2px solid #8a939e;border-radius:var(--r);background:#fff;color:inherit}input:focus{outline:3px solid #f0b400;outline-offset:1px;border-color:var(--a)}" +
    ".chips{display:flex;flex-wrap:wrap;gap:.3em;margin:.5em 0 0}.chips button{font:inherit;font-size:.85em;border:1px solid var(--a);background:#fff;color:var(--a);border-radius:999px;padding:.15em .7em;cursor:pointer}.chips button[aria-pressed=true]{background:var(--a);color:#fff}" +
    "ul{list-style:none;margin:.5em 0 0;padding:0;border-radius:var(--r)}li{border:1px solid #d9dde3;border-left:5px solid var(--dc,#888);border-radius:var(--r);padding:.5em .7em;margin:0 0 .4em;cursor:pointer;background:#fff}" +
    "li[aria-selected=true]{outline:3px solid var(--a);outline-offset:-1px}li a{color:var(--a);font-weight:600;text-decoration:none}li a:hover{text-decoration:underline}" +
    ".m{font-size:.78em;color:#59616b;text-transform:uppercase;letter-spacing:.03em;font-weight:700}.d{color:#59616b}.s{font-size:.9em;margin:.2em 0 0;color:#333a42}mark{background:#fff0a8;color:inherit}" +
    ".f{font-size:.8em;background:#fff3e0;color:#7a3e00;border-radius:4px;padding:0 .35em;margin-left:.3em}.st{font-size:.9em;color:#59616b;margin:.4em 0 0}.st.err{color:#a4161a}" +
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}.sg button{font:inherit;background:none;border:0;color:var(--a);text-decoration:underline;cursor:pointer;padding:0 .3em}";
  var uid = 0;
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  function ProfintSearch() { return Reflect.construct(HTMLElement, [], ProfintSearch); }
  ProfintSearch.prototype = Object.create(HTMLElement.prototype);
  ProfintSearch.prototype.constructor = ProfintSearch;
  Object.setPrototypeOf(ProfintSearch, HTMLElement);
  ProfintSearch.prototype.connectedCallback = function () {
    if (this._ready) return;
    this._ready = true;
    var self = this, id = "p" + (++uid);
    var lang = (this.getAttribute("lang") || document.documentElement.lang || "fr").slice(0, 2);
    if (!T[lang]) lang = "fr";
    var t = T[lang];
    var root = this.attachShadow({ mode: "open" });
    var style = el("style"); style.textContent = CSS;
    var box = el("div", { "class": "w", part: "box" });
    var label = el("label", { "for": id + "i" }, this.getAttribute("label") || t.label);
    var input = el("input", { id: id + "i", type: "search", role: "combobox", "aria-expanded": "false",
      "aria-controls": id + "l", "aria-autocomplete": "list", autocomplete: "off", part: "input",
      placeholder: this.getAttribute("placeholder") || t.ph });
    var chips = el("div", { "class": "chips", role: "group", "aria-label": "Type" });
    var list = el("ul", { id: id + "l", role: "listbox", "aria-label": t.label, part: "results" });
    list.hidden = true;
    var status = el("p", { "class": "st", role: "status", "aria-live": "polite" });
    box.append(label, input, chips, list, status);
    root.append(style, box);
    var max = Math.min(Math.max(parseInt(this.getAttribute("results"), 10) || 8, 1), 20);
    var target = this.getAttribute("target") || "_blank";
    var types = [];
    if (this.hasAttribute("type-chips")) {
      ["recommendation", "module", "case", "tool", "practice"].forEach(function (k) {
        var b = el("button", { type: "button", "aria-pressed": "false", "data-type": k }, t.types[k]);
        b.addEventListener("click", function () {
          var on = b.getAttribute("aria-pressed") !== "true";
          b.setAttribute("aria-pressed", on ? "true" : "false");
          types = on ? types.concat(k) : types.filter(function (x) { return x !== k; });
          run();
        });
        chips.appendChild(b);
      });
    } else chips.hidden = true;
    var hits = [], active = -1, timer = 0, seq = 0;
    function say(text, err) { status.textContent = text; status.className = err ? "st err" : "st"; }
    function select(i) {
      var opts = list.children;
      for (var k = 0; k < opts.length; k++) opts[k].setAttribute("aria-selected", k === i ? "true" : "false");
      active = i;
      if (i >= 0 && opts[i]) { input.setAttribute("aria-activedescendant", opts[i].id); opts[i].scrollIntoView({ block: "nearest" }); }
      else input.removeAttribute("aria-activedescendant");
    }
    function open(i) {
      var h = hits[i];
      if (h) window.open(ORIGIN + h.url, target, target === "_blank" ? "noopener" : "");
    }
    function show(data) {
      hits = data.hits || [];
      list.textContent = "";
      hits.forEach(function (h, i) {
        var li = el("li", { id: id + "o" + i, role: "option", "aria-selected": "false" });
        var dom = (data.facets.domain || []).filter(function (d) { return d.value === h.domain; })[0];
        if (dom) li.style.setProperty("--dc", dom.color);
        var meta = el("div", { "class": "m" }, (t.types[h.type] || h.type) + (dom ? " · " : ""));
        if (dom) meta.appendChild(el("span", { "class": "d" }, dom.label));
        var a = el("a", { href: ORIGIN + h.url, target: target, tabindex: "-1", lang: h.lang }, h.title);
        if (target === "_blank") a.rel = "noopener";
        li.append(meta, a);
        if (h.fallback) li.appendChild(el("span", { "class": "f" }, t.shown.replace("{l}", t.lang[h.lang] || h.lang)));
        var s = el("p", { "class": "s" });
        s.innerHTML = h.snippet; // server-escaped text with <mark> only
        li.appendChild(s);
        li.addEventListener("click", function (e) { if (e.target.tagName !== "A") { e.preventDefault(); open(i); } });
        list.appendChild(li);
      });
      list.hidden = hits.length === 0;
      input.setAttribute("aria-expanded", hits.length ? "true" : "false");
      active = -1;
      var n = data.total;
      say(n === 0 ? t.none : n === 1 ? t.n1 : t.n.replace("{n}", n));
      if (n === 0) suggest(data.query);
    }
    function suggest(q) {
      fetch(BASE + "/api/suggest?lang=" + lang + "&q=" + encodeURIComponent(q)).then(function (r) { return r.json(); }).then(function (d) {
        var words = (d.suggestions || []).filter(function (s) { return !s.id; }).slice(0, 3);
        if (!words.length) return;
        var p = el("span", { "class": "sg" }, " " + t.try + " ");
        words.forEach(function (w) {
          var b = el("button", { type: "button" }, w.text);
          b.addEventListener("click", function () { input.value = w.text; run(); input.focus(); });
          p.appendChild(b);
        });
        status.appendChild(p);
      }).catch(function () {});
    }
    function run() {
      var q = input.value.trim(), mine = ++seq;
      if (q.length < 2) { list.hidden = true; hits = []; input.setAttribute("aria-expanded", "false"); say(""); return; }
      var url = BASE + "/api/search?lang=" + lang + "&per_page=" + max + "&q=" + encodeURIComponent(q);
      var d = self.getAttribute("domain"); if (d) d.split(/[ ,]+/).forEach(function (x) { if (x) url += "&domain=" + encodeURIComponent(x); });
      var ty = types.length ? types : (self.getAttribute("type") || "").split(/[ ,]+/).filter(Boolean);
      ty.forEach(function (x) { url += "&type=" + encodeURIComponent(x); });
      say(t.loading);
      fetch(url).then(function (r) { if (!r.ok) throw r; return r.json(); })
        .then(function (data) { if (mine === seq) show(data); })
        .catch(function (err) { if (mine === seq) failed(err); });
    }
    function fail(text, state) { list.hidden = true; hits = []; input.setAttribute("aria-expanded", "false"); say(text, true); self.setAttribute("data-state", state); }
    // A browser says the same of a site the service's allow-list leaves out (no CORS
    // headers) as of a service that is down. A request that needs no CORS tells them apart:
    // it goes through when the service is up, so the call was refused to this site.
    function failed(err) {
      if (typeof Response !== "undefined" && err instanceof Response) { fail(t.down, "unreachable"); return; }
      fetch(BASE + "/healthz", { mode: "no-cors", cache: "no-store" })
        .then(function () { fail(t.refused.replace("{o}", location.origin), "not-authorised"); },
              function () { fail(t.down, "unreachable"); });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 250); });
    input.addEventListener("keydown", function (e) {
      var n = hits.length;
      if (e.key === "ArrowDown" && n) { e.preventDefault(); select((active + 1) % n); }
      else if (e.key === "ArrowUp" && n) { e.preventDefault(); select(active <= 0 ? n - 1 : active - 1); }
      else if (e.key === "Enter") { e.preventDefault(); if (active >= 0) open(active); else { clearTimeout(timer); run(); } }
      else if (e.key === "Escape") { list.hidden = true; input.setAttribute("aria-expanded", "false"); select(-1); }
    });
  };
  if (window.customElements && !customElements.get("profint-search")) customElements.define("profint-search", ProfintSearch);
})();
/* In the /embed page (script tag with data-embed), report the page height to the parent so
   the iframe can follow its content. */
(function () {
  var s = document.currentScript;
  if (!s || !s.hasAttribute("data-embed") || window.parent === window || !window.ResizeObserver) return;
  var last = 0;
  new ResizeObserver(function () {
    var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (h !== last) { last = h; window.parent.postMessage({ type: "profint:height", height: h }, "*"); }
  }).observe(document.documentElement);
})();
