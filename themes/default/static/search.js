// Search of the site's contributions and summaries, offline and from disk.
//
// The index is built by palabre (src/extras/search.rs) and split into small
// files loaded with <script> tags, which work from file:// where fetch does
// not: search/index.js lists the term shards, search/t-<prefix>.js holds the
// stems starting with <prefix> (with the documents holding each and the word
// forms seen for it), search/d-<n>.js the documents to show, by number (a
// number says where the document sorts: results are shown in that order).
// Only the files a query needs are loaded. Reply text is only ever set with
// textContent.
(function () {
  "use strict";

  var box = document.querySelector(".search");
  if (!box) {
    return;
  }
  var root = box.getAttribute("data-root") || "";
  var pageLang = box.getAttribute("data-lang") || "en";
  var form = box.querySelector(".search-form");
  var input = box.querySelector("#search-q");
  var langSelect = box.querySelector("#search-lang");
  var status = box.querySelector(".search-status");
  var list = box.querySelector(".search-results");
  var more = box.querySelector(".search-more");
  var PAGE = 10;

  var manifest = null;
  var shards = {};
  var docFiles = {};
  var loading = {};

  // The callbacks the index files call.
  window.palabreSearch = {
    index: function (m) { manifest = m; },
    shard: function (prefix, data) {
      var forms = {};
      Object.keys(data).forEach(function (stem) {
        data[stem][1].split(" ").forEach(function (f) {
          if (f) { (forms[f] = forms[f] || []).push(stem); }
        });
      });
      shards[prefix] = { stems: data, forms: forms };
    },
    docs: function (n, docs) { docFiles[n] = docs; }
  };

  function load(file) {
    if (!loading[file]) {
      loading[file] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = root + "search/" + file;
        s.onload = resolve;
        s.onerror = function () { reject(new Error(file)); };
        document.head.appendChild(s);
      });
    }
    return loading[file];
  }

  // Lower-case ASCII words, accents and ligatures folded, as the index.
  function words(text) {
    var folded = text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/œ/g, "oe").replace(/æ/g, "ae").replace(/ß/g, "ss");
    return folded.split(/[^a-z0-9]+/).filter(function (w) { return w.length >= 2; });
  }

  function postings(gaps) {
    var ids = [];
    var last = 0;
    gaps.split(",").forEach(function (g) {
      if (g) {
        last += parseInt(g, 36);
        ids.push(last);
      }
    });
    return ids;
  }

  // Documents holding `word`: its stems where the index saw this exact form,
  // else the longest indexed stem it starts with (an inflection the
  // contributions never used: "policies" finds "polici", from "policy").
  function lookup(word) {
    var prefixes = manifest.shards.filter(function (p) { return word.indexOf(p) === 0; });
    return Promise.all(prefixes.map(function (p) { return load("t-" + p + ".js"); })).then(function () {
      var exact = [];
      var best = [];
      var bestLen = 0;
      prefixes.forEach(function (p) {
        var shard = shards[p];
        if (!shard) { return; }
        if (shard.stems[word]) { exact.push(shard.stems[word]); }
        (shard.forms[word] || []).forEach(function (stem) { exact.push(shard.stems[stem]); });
        Object.keys(shard.stems).forEach(function (stem) {
          if (stem.length >= 3 && word.indexOf(stem) === 0 && word.length - stem.length <= 4) {
            if (stem.length > bestLen) { best = []; bestLen = stem.length; }
            if (stem.length === bestLen) { best.push(shard.stems[stem]); }
          }
        });
      });
      var found = {};
      (exact.length ? exact : best).forEach(function (entry) {
        postings(entry[0]).forEach(function (id) { found[id] = true; });
      });
      return found;
    });
  }

  // Document numbers can pass 2^32: divide rather than shift bits.
  function doc(id) {
    var n = Math.floor(id / Math.pow(2, manifest.file_shift));
    return load("d-" + n + ".js").then(function () { return docFiles[n][id]; });
  }

  var results = [];
  var shown = 0;
  var generation = 0;

  function langName(code) {
    for (var i = 0; i < langSelect.options.length; i++) {
      if (langSelect.options[i].value === code) { return langSelect.options[i].text; }
    }
    return code;
  }

  function render(d) {
    var li = document.createElement("li");
    li.setAttribute("lang", d[3]);
    var title = document.createElement("a");
    title.className = "result-title";
    title.href = root + pageLang + "/" + d[0];
    title.setAttribute("lang", pageLang);
    title.textContent = d[1] || box.getAttribute(d[0].indexOf("/replies/") >= 0 ? "data-anonymous" : "data-summary");
    li.appendChild(title);
    var badge = document.createElement("span");
    badge.className = "badge";
    badge.setAttribute("lang", pageLang);
    badge.title = box.getAttribute("data-language") + ": " + langName(d[3]);
    badge.textContent = langName(d[3]);
    li.appendChild(badge);
    var meta = document.createElement("p");
    meta.className = "result-meta";
    meta.setAttribute("lang", pageLang);
    meta.textContent = box.getAttribute("data-question") + " " + d[2];
    li.appendChild(meta);
    var snippet = document.createElement("p");
    snippet.className = "result-snippet";
    snippet.textContent = d[4];
    li.appendChild(snippet);
    return li;
  }

  function showMore() {
    var mine = generation;
    var batch = results.slice(shown, shown + PAGE);
    shown += batch.length;
    more.hidden = shown >= results.length;
    return Promise.all(batch.map(doc)).then(function (docs) {
      if (mine !== generation) { return; }
      docs.forEach(function (d) { if (d) { list.appendChild(render(d)); } });
    });
  }

  function run() {
    var mine = ++generation;
    var query = words(input.value);
    var lang = langSelect.value;
    list.textContent = "";
    results = [];
    shown = 0;
    more.hidden = true;
    if (!query.length) {
      status.textContent = "";
      return;
    }
    status.textContent = box.getAttribute("data-loading");
    load("index.js").then(function () {
      return Promise.all(query.map(lookup));
    }).then(function (sets) {
      if (mine !== generation) { return; }
      var ids = Object.keys(sets[0]).map(Number).filter(function (id) {
        return sets.every(function (s) { return s[id]; });
      }).sort(function (a, b) { return a - b; });
      if (lang === "all") {
        return ids;
      }
      // The language is in the documents: load them, in order, and keep the matching ones.
      return Promise.all(ids.map(doc)).then(function (docs) {
        return ids.filter(function (id, i) { return docs[i] && docs[i][3] === lang; });
      });
    }).then(function (ids) {
      if (mine !== generation || !ids) { return; }
      results = ids;
      status.textContent = ids.length
        ? box.getAttribute("data-results").replace("{n}", String(ids.length))
        : box.getAttribute("data-none");
      return showMore();
    }).catch(function () {
      status.textContent = box.getAttribute("data-error");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
    try {
      var params = "?q=" + encodeURIComponent(input.value) + (langSelect.value === "all" ? "" : "&lang=" + langSelect.value);
      history.replaceState(null, "", params);
    } catch (e) {
      // Some browsers refuse to change a file:// address; the search still ran.
    }
  });
  langSelect.addEventListener("change", run);
  more.addEventListener("click", showMore);

  box.querySelector(".search-nojs").hidden = true;
  form.hidden = false;
  var params = new URLSearchParams(location.search);
  if (params.get("lang")) { langSelect.value = params.get("lang"); }
  if (params.get("q")) {
    input.value = params.get("q");
    run();
  }
})();
