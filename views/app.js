// profint page script: progressive enhancement only. Without it every page works as
// plain links and forms. With it: query completions in an accessible combobox (WAI-ARIA
// APG pattern) and, on the search page, results that follow the query as it is typed.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
  var input = document.getElementById("q");
  if (!input || !window.fetch) return;
  var form = input.form;
  var list = document.createElement("ul");
  list.id = "q-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent : "");
  list.hidden = true;
  input.parentNode.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  var lang = document.documentElement.lang;
  // Where the service is mounted ("" or a base path such as "/ressources"): the server writes
  // it into the links it emits, data-suggest among them.
  var base = (input.getAttribute("data-suggest") || "").split("/api/suggest")[0];
  var active = -1, items = [], timer = 0, liveTimer = 0, seq = 0;

  function close() {
    list.hidden = true; active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }
  function highlight(i) {
    var opts = list.children;
    for (var k = 0; k < opts.length; k++) opts[k].setAttribute("aria-selected", k === i ? "true" : "false");
    active = i;
    if (i >= 0) { input.setAttribute("aria-activedescendant", opts[i].id); opts[i].scrollIntoView({ block: "nearest" }); }
    else input.removeAttribute("aria-activedescendant");
  }
  function choose(i) {
    var s = items[i];
    if (!s) return;
    if (s.id) { window.location.href = base + "/" + lang + "/r/" + s.id.split("/").map(encodeURIComponent).join("/"); return; }
    input.value = s.text + " ";
    close();
    if (form) form.requestSubmit ? form.requestSubmit() : form.submit();
  }
  function render(suggestions) {
    items = suggestions.slice(0, 8);
    list.textContent = "";
    items.forEach(function (s, i) {
      var li = document.createElement("li");
      li.id = "q-opt-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.textContent = s.text;
      if (s.id) { var k = document.createElement("span"); k.className = "kind"; k.textContent = "→"; li.appendChild(k); }
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
      list.appendChild(li);
    });
    var open = items.length > 0 && document.activeElement === input;
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    active = -1;
  }
  function suggest() {
    var q = input.value;
    if (q.trim().length < 2) { close(); return; }
    var mine = ++seq;
    fetch(input.getAttribute("data-suggest") + "&q=" + encodeURIComponent(q))
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (d) { if (mine === seq) render(d.suggestions || []); })
      .catch(function () { close(); });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer); timer = setTimeout(suggest, 150);
    if (document.body.classList.contains("page-search")) { clearTimeout(liveTimer); liveTimer = setTimeout(refresh, 350); }
  });
  input.addEventListener("keydown", function (e) {
    var n = list.children.length;
    if (e.key === "ArrowDown" && n) { e.preventDefault(); if (list.hidden) { list.hidden = false; input.setAttribute("aria-expanded", "true"); } highlight((active + 1) % n); }
    else if (e.key === "ArrowUp" && n) { e.preventDefault(); highlight(active <= 0 ? n - 1 : active - 1); }
    else if (e.key === "Enter" && active >= 0 && !list.hidden) { e.preventDefault(); choose(active); }
    else if (e.key === "Escape") { if (!list.hidden) { e.preventDefault(); close(); } }
  });
  input.addEventListener("blur", function () { setTimeout(close, 100); });

  // Search page: results follow the query and the facets without a page load.
  var results = document.getElementById("results");
  if (!results || !form) return;
  function refresh() {
    var params = new URLSearchParams(new FormData(form));
    var url = form.action + "?" + params.toString();
    var mine = ++seq;
    results.classList.add("loading");
    fetch(url, { headers: { "Accept": "text/html" } })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        if (mine !== seq) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("results");
        var facets = doc.querySelector(".facets");
        if (fresh) results.innerHTML = fresh.innerHTML;
        var mineFacets = document.querySelector(".facets");
        if (facets && mineFacets) mineFacets.innerHTML = facets.innerHTML;
        history.replaceState(null, "", url);
        document.title = doc.title;
      })
      .catch(function () { /* keep what is shown; the form still submits normally */ })
      .then(function () { results.classList.remove("loading"); });
  }
  form.addEventListener("change", function (e) {
    if (e.target && e.target.type === "checkbox") refresh();
  });
})();
