// profint page script: progressive enhancement only. Without it every page works as
// plain links and forms. With it: query completions in an accessible combobox (WAI-ARIA
// APG pattern), "add to my session" without leaving the page and, on the search page,
// results that follow the query and the filters as they change.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
  // Says politely what changed in place (the page's live region, #announce). Emptied first so
  // that the same words said twice are announced twice.
  var announcer = document.getElementById("announce");
  function announce(text) {
    if (!announcer) return;
    announcer.textContent = "";
    setTimeout(function () { announcer.textContent = text; }, 60);
  }
  // "+ Add to my session" adds in place: the page stays where it is, the header's count and
  // the link change, and the addition is announced. (Without the script the link adds and
  // comes back to the same place of the same page.)
  function enhanceAdds(root) {
    if (!window.fetch) return;
    Array.prototype.forEach.call(root.querySelectorAll("a[data-add]"), function (a) {
      a.addEventListener("click", function (e) {
        if (!a.hasAttribute("data-add") || e.ctrlKey || e.metaKey || e.shiftKey) return;
        e.preventDefault();
        fetch(a.href, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
          .then(function (r) { if (!r.ok) throw r; return r.json(); })
          .then(function (d) {
            var link = document.getElementById("basket-link");
            if (link) { link.textContent = d.link; a.href = link.href; }
            a.textContent = "\u2713 " + d.added;
            a.classList.add("in");
            a.removeAttribute("data-add");
            announce(d.said);
          })
          .catch(function () { window.location.href = a.href; });
      });
    });
  }
  enhanceAdds(document);

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
  // The checkbox that has the focus, to give it back once the facets are redrawn.
  function focusedBox() {
    var el = document.activeElement;
    return el && el.type === "checkbox" && form.contains(el) ? { name: el.name, value: el.value } : null;
  }
  function refocus(box) {
    if (!box) return;
    var boxes = form.querySelectorAll("input[type=checkbox]");
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].name === box.name && boxes[i].value === box.value) { boxes[i].focus(); return; }
    }
  }
  function refresh() {
    var params = new URLSearchParams(new FormData(form));
    var url = form.action + "?" + params.toString();
    var mine = ++seq;
    results.classList.add("loading");
    fetch(url, { headers: { "Accept": "text/html" } })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        if (mine !== seq) return;
        var box = focusedBox();
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("results");
        var facets = doc.querySelector(".facets");
        if (fresh) results.innerHTML = fresh.innerHTML;
        var mineFacets = document.querySelector(".facets");
        if (facets && mineFacets) mineFacets.innerHTML = facets.innerHTML;
        history.replaceState(null, "", url);
        document.title = doc.title;
        refocus(box);
        var count = results.querySelector("h1");
        if (count) announce(count.textContent);
        enhanceAdds(results);
      })
      .catch(function () { /* keep what is shown; the form still submits normally */ })
      .then(function () { results.classList.remove("loading"); });
  }
  form.addEventListener("change", function (e) {
    if (e.target && e.target.type === "checkbox") refresh();
  });
  // Enter on a checkbox would submit the form as it stands, without that filter: it applies
  // the filter instead, as Space does.
  form.addEventListener("keydown", function (e) {
    var box = e.target;
    if (e.key !== "Enter" || !box || box.type !== "checkbox") return;
    e.preventDefault();
    if (!box.checked) box.checked = true;
    refresh();
  });
})();
