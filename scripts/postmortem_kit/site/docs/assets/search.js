/* The lessons site's search: Pagefind behind material's header search box.
 *
 * On first use (focus or a keyboard shortcut) the box reads pagefind/pm-search.json, the manifest the
 * build writes: the index comes in several bundles (one per shard of incident pages, so that the
 * build's Pagefind runs stay small), and the filter values with their counts. It imports the first
 * bundle's pagefind.js and merges the others into it (Pagefind's mergeIndex, one wasm for all), so a
 * query searches every shard and fetches only the index chunks and result fragments it needs. The
 * filter menus are built from the manifest (asking Pagefind would fetch every shard's filter index).
 * The manifest also names each bundle's metadata file and the wasm, with a tag for this build: they
 * are all asked for at once, where Pagefind would ask for them one step after another. A pointer over
 * the box starts the loading too, and a query of three letters or more searches without waiting for
 * typing to pause (one search at a time; the last query always gets its own).
 * Everything taken from the index is put on the page as text (excerpts: text plus <mark>), and
 * result links must stay on this site. Opened from file://, browsers refuse to load the index: the
 * box then says search needs a server. A site without incident pages has no bundle: no results.
 */
(function () {
  "use strict";
  var root = document.getElementById("pm-search");
  if (!root) return;
  var input = document.getElementById("pm-search-input");
  var meta = document.getElementById("pm-search-meta");
  var list = document.getElementById("pm-search-list");
  var filterBox = document.getElementById("pm-search-filters");
  var toggle = document.getElementById("__search");
  var FACETS = [["severity", "Severity"], ["category", "Root cause"], ["service", "Service"], ["tag", "Tag"],
                ["year", "Year"]];
  var SHOWN = 10;
  var pagefind = null, loading = null, selects = {}, asked = 0, timer = null, searching = false, again = false;

  function siteUrl(path) { return new URL(path, document.baseURI || location.href); }

  function say(message) { meta.textContent = message; }

  /* No incident page, no bundle: every search finds nothing. */
  var EMPTY = { search: function () { return Promise.resolve({ results: [] }); } };

  /* The manifest's bundles: the first is pagefind/ itself (""), the others its numbered folders. */
  function bundlesOf(manifest) {
    var names = (manifest && Array.isArray(manifest.bundles)) ? manifest.bundles : [];
    return names.filter(function (name, at) {
      return typeof name === "string" && (at === 0 ? name === "" : /^[0-9]+\/$/.test(name));
    });
  }

  function load() {
    if (pagefind) return Promise.resolve(pagefind);
    if (loading) return loading;
    if (location.protocol === "file:") {
      say("Search needs the site served over HTTP: browsers do not load the search index from a file:// page. " +
          "Serve the folder (for example: python -m http.server) or use the incident lists.");
      return Promise.reject(new Error("file://"));
    }
    var bundle = siteUrl(root.getAttribute("data-pm-bundle"));
    var settings = { baseUrl: siteUrl(root.getAttribute("data-pm-root")).pathname, highlightParam: "highlight" };
    // Pagefind searches on this thread (noWorker): its worker script repeats pagefind.js (40 KB more
    // per first query); the wasm work of a query over these small chunks takes milliseconds.
    var primary = { baseUrl: settings.baseUrl, highlightParam: settings.highlightParam, noWorker: true };
    var manifest = null;
    // pagefind.js and the manifest load together. A site without incidents has no bundle: the
    // manifest says so, and the failed import is not an error. The manifest is asked for again on
    // each page view (no-cache: a 304 when it has not changed), since it names this build's files.
    var imported = import(bundle.href + "pagefind.js");
    imported.catch(function () {});
    loading = fetch(bundle.href + "pm-search.json", { cache: "no-cache" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status + " for pm-search.json");
      return response.json();
    }).then(function (found) {
      manifest = found || {};
      var bundles = bundlesOf(manifest);
      if (!bundles.length) return EMPTY;
      var tag = warm(manifest, bundles, bundle);
      if (tag) { primary.metaCacheTag = tag; settings.metaCacheTag = tag; }
      return imported.then(function (module) {
        return module.options(primary).then(function () { return module.init(); }).then(function () {
          // each merged bundle loads its own metadata and shares the first one's wasm
          return Promise.all(bundles.slice(1).map(function (name) {
            return module.mergeIndex(new URL(name, bundle).pathname, settings);
          }));
        }).then(function () { return module; });
      });
    }).then(function (module) {
      pagefind = module;
      buildFilters(manifest.filters);
      return module;
    }, function (error) {
      loading = null;
      say("The search index could not be loaded (" + error.message + ").");
      throw error;
    });
    return loading;
  }

  /* Pagefind loads each bundle's entry file, then the metadata file it names, and the first bundle's
     wasm, one step after another. The manifest names them all (and a tag that gives the entry files a
     fixed address for this build), so they are all asked for at once here, and Pagefind's own requests
     find them in the browser's cache or on their way. Only names of that form are fetched. */
  var WARM = /^([0-9]+\/)?(pagefind\.[A-Za-z0-9_-]+\.pf_meta|wasm\.[A-Za-z0-9_-]+\.pagefind)$/;
  function warm(manifest, bundles, bundle) {
    var tag = (typeof manifest.tag === "string" && /^[0-9a-f]{16}$/.test(manifest.tag)) ? manifest.tag : null;
    var files = Array.isArray(manifest.warm) ? manifest.warm : [];
    if (!tag) return null;
    function early(path) { fetch(new URL(path, bundle).href).catch(function () {}); }
    bundles.forEach(function (name) { early(name + "pagefind-entry.json?ts=" + tag); });
    files.forEach(function (path) { if (typeof path === "string" && WARM.test(path)) early(path); });
    return tag;
  }

  function buildFilters(available) {
    if (!available || typeof available !== "object") return;
    FACETS.forEach(function (facet) {
      var values = available[facet[0]];
      if (!values || typeof values !== "object" || !Object.keys(values).length) return;
      var label = document.createElement("label");
      label.className = "pm-search-filter";
      label.appendChild(document.createTextNode(facet[1] + " "));
      var select = document.createElement("select");
      select.name = facet[0];
      select.setAttribute("data-pm-search-filter", facet[0]);
      var any = document.createElement("option");
      any.value = "";
      any.textContent = "any";
      select.appendChild(any);
      Object.keys(values).sort().forEach(function (value) {
        var option = document.createElement("option");
        option.value = value;
        option.textContent = value + " (" + Number(values[value]) + ")";
        select.appendChild(option);
      });
      select.addEventListener("change", ask);
      label.appendChild(select);
      filterBox.appendChild(label);
      selects[facet[0]] = select;
    });
  }

  function chosenFilters() {
    var filters = {}, any = false;
    Object.keys(selects).forEach(function (name) {
      if (selects[name].value) { filters[name] = { any: [selects[name].value] }; any = true; }
    });
    return any ? filters : null;
  }

  /* Pagefind's excerpt is text with <mark> around the matched words: parsed inertly, and only its
     text and its marks are copied over. */
  function excerptNodes(excerpt) {
    var parsed = new DOMParser().parseFromString("<p>" + (excerpt || "") + "</p>", "text/html");
    var out = document.createDocumentFragment();
    parsed.body.firstChild.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  function render(data) {
    var url = siteUrl(data.url);
    if (url.origin !== location.origin) return null;
    var item = document.createElement("li");
    item.className = "md-search-result__item";
    var link = document.createElement("a");
    link.className = "md-search-result__link";
    link.href = url.href;
    link.tabIndex = -1;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    var title = document.createElement("h1");
    title.textContent = (data.meta && data.meta.title) || url.pathname;
    var text = document.createElement("p");
    text.appendChild(excerptNodes(data.excerpt));
    article.appendChild(title);
    article.appendChild(text);
    link.appendChild(article);
    item.appendChild(link);
    return item;
  }

  /* A changed query searches at once when it has three letters or more and no search is under way;
     while one is, the latest query waits for it and then searches (results of a query that changed
     meanwhile are not shown). Shorter queries, mostly words being typed, wait until typing pauses. */
  function ask() {
    asked++;
    clearTimeout(timer);
    if (input.value.trim().length < 3 && !chosenFilters()) { timer = setTimeout(run, 120); return; }
    if (searching) { again = true; return; }
    run();
  }

  function settled() {
    searching = false;
    if (again) { again = false; run(); }
  }

  function run() {
    clearTimeout(timer);
    var query = input.value.trim();
    var filters = chosenFilters();
    var mine = asked;
    if (!query && !filters) { list.textContent = ""; say("Type to search the incidents"); return; }
    searching = true;
    load().then(function (module) {
      return module.search(query || null, filters ? { filters: filters } : {});
    }).then(function (search) {
      settled();
      if (mine !== asked || !search) return null;
      // The results' fragments load together and are shown in rank order as they arrive: the first
      // result shows as soon as its own fragment is in; the count once all are.
      var cleared = false, shown = Promise.resolve();
      search.results.slice(0, SHOWN).forEach(function (result) {
        var row = result.data();
        shown = shown.then(function () { return row; }).then(function (data) {
          if (mine !== asked) return;
          if (!cleared) { list.textContent = ""; cleared = true; }
          var item = render(data);
          if (item) list.appendChild(item);
        });
      });
      return shown.then(function () {
        if (mine !== asked) return;
        if (!cleared) list.textContent = "";
        var count = search.results.length;
        say(count === 0 ? "No matching incidents" : count === 1 ? "1 matching incident" :
            count + " matching incidents" + (count > SHOWN ? " (the first " + SHOWN + " shown)" : ""));
      });
    }, function () { settled(); /* the reason is already shown */ }).catch(function () {});
  }

  function open() {
    if (toggle && !toggle.checked) { toggle.checked = true; toggle.dispatchEvent(new Event("change")); }
    load().catch(function () {});
  }

  function close() {
    if (toggle && toggle.checked) { toggle.checked = false; toggle.dispatchEvent(new Event("change")); }
    input.blur();
  }

  function links() { return Array.prototype.slice.call(list.querySelectorAll("a.md-search-result__link")); }

  if (input.form) input.form.addEventListener("submit", function (event) { event.preventDefault(); });
  input.addEventListener("focus", open);
  // A pointer over the box, or a finger on it, is a search about to start: the index begins to load.
  root.addEventListener("pointerenter", function () { load().catch(function () {}); }, { once: true });
  root.addEventListener("touchstart", function () { load().catch(function () {}); }, { once: true, passive: true });
  input.addEventListener("input", ask);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); close(); }
    else if (event.key === "Enter") { var first = links()[0]; if (first) location.href = first.href; }
    else if (event.key === "ArrowDown") { var next = links()[0]; if (next) { event.preventDefault(); next.focus(); } }
  });
  list.addEventListener("keydown", function (event) {
    var all = links(), at = all.indexOf(document.activeElement);
    if (at < 0) return;
    if (event.key === "ArrowDown" && at + 1 < all.length) { event.preventDefault(); all[at + 1].focus(); }
    else if (event.key === "ArrowUp") { event.preventDefault(); (at ? all[at - 1] : input).focus(); }
    else if (event.key === "Escape") { event.preventDefault(); close(); }
  });
  if (toggle) toggle.addEventListener("change", function () { if (toggle.checked) input.focus(); });

  /* The shortcuts material gives its own search box: f, s and / open this one. */
  function shortcut(type, claim) {
    if (type === "f" || type === "s" || type === "/") { claim(); open(); input.focus(); }
  }
  if (window.keyboard$ && typeof window.keyboard$.subscribe === "function") {
    window.keyboard$.subscribe(function (key) {
      if (key.mode === "global") shortcut(key.type, function () { key.claim(); });
    });
  } else {
    document.addEventListener("keydown", function (event) {
      var tag = (event.target && event.target.tagName) || "";
      if (event.ctrlKey || event.metaKey || event.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(tag)) return;
      shortcut(event.key, function () { event.preventDefault(); });
    });
  }

  /* A result opened from the search keeps its words highlighted (pagefind-highlight marks them). */
  if (new URLSearchParams(location.search).has("highlight") && location.protocol !== "file:") {
    var bundle = siteUrl(root.getAttribute("data-pm-bundle")).href;
    import(bundle + "pagefind-highlight.js").then(function () {
      if (window.PagefindHighlight) new window.PagefindHighlight({ highlightParam: "highlight" });
    }).catch(function () {});
  }
})();
