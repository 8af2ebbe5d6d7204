// Search of the site's contributions and summaries, offline and from disk.
//
// The index is built by palabre (src/extras/search.rs) and split into small
// files loaded with <script> tags, which work from file:// where fetch does
// not: search/index.js lists the term shards, search/t-<prefix>.js holds the
// stems starting with <prefix> (with the documents holding each and the word
// forms seen for it), search/d-<n>.js the documents to show, by number (a
// number says where the document sorts: results are shown in that order),
// search/x/<...>.js the texts of up to four documents, from which a result shows the
// passage around the words found, marked. Only the files a query needs are
// loaded. Reply text is only ever set with textContent and text nodes.
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
  // Characters of a result's passage, about three lines.
  var PASSAGE = 240;

  var manifest = null;
  var shards = {};
  var docFiles = {};
  var texts = {};
  var loading = {};

  // The callbacks the index files call.
  window.palabreSearch = {
    index: function (m) { manifest = m; },
    shard: function (prefix, data) {
      var forms = {};
      Object.keys(data).forEach(function (stem) {
        data[stem][1].split(" ").forEach(function (f) {
          if (f) { (forms[f] = own(forms, f) ? forms[f] : []).push(stem); }
        });
      });
      shards[prefix] = { stems: data, forms: forms };
    },
    docs: function (n, docs) { docFiles[n] = docs; },
    text: function (file, n, text) {
      (texts[file] = own(texts, file) ? texts[file] : [])[n] = text;
    }
  };

  // Whether `key` is `obj`'s own: a word such as "constructor" is no stem.
  function own(obj, key) {
    return Object.prototype.hasOwnProperty.call(obj, key);
  }

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

  // Lower-case, without accents or other combining marks (Arabic vowel
  // signs), Latin ligatures spelt out: as the index folds its words.
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "")
      .replace(/œ/g, "oe").replace(/æ/g, "ae").replace(/ß/g, "ss")
      .replace(/ø/g, "o").replace(/ł/g, "l").replace(/đ/g, "d");
  }

  function words(text) {
    return fold(text).split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length >= 2; });
  }

  // A shard's file: its prefix with every character but ASCII letters and
  // digits written as _<hex>_, as the index names it.
  function shardFile(prefix) {
    return "t-" + prefix.replace(/[^a-z0-9]/gu, function (c) {
      return "_" + c.codePointAt(0).toString(16) + "_";
    }) + ".js";
  }

  // Arabic writes the article and some particles as the start of the word
  // ("المجتمع", "والمياه"): a word is also looked up without them, as the
  // index's stems are.
  var ARABIC_PREFIXES = ["وال", "بال", "كال", "فال", "لل", "ال"];
  function variants(word) {
    var out = [word];
    ARABIC_PREFIXES.forEach(function (p) {
      if (word.indexOf(p) === 0 && word.length - p.length >= 3 && out.length === 1) {
        out.push(word.slice(p.length));
      }
    });
    return out;
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
  // contributions never used: "policies" finds "polici", from "policy";
  // "comunidade" finds "comun", from "comunidades").
  // With them, every form of those stems seen in the texts (folded): the
  // words to mark in a passage.
  function lookup(word) {
    var tries = variants(word);
    function next(i) {
      return lookupForm(tries[i]).then(function (hit) {
        return Object.keys(hit.ids).length || i + 1 >= tries.length ? hit : next(i + 1);
      });
    }
    return next(0);
  }

  function lookupForm(word) {
    var prefixes = manifest.shards.filter(function (p) { return word.indexOf(p) === 0; });
    return Promise.all(prefixes.map(function (p) { return load(shardFile(p)); })).then(function () {
      var exact = [];
      var best = [];
      var bestLen = 0;
      prefixes.forEach(function (p) {
        var shard = shards[p];
        if (!shard) { return; }
        if (own(shard.stems, word)) { exact.push([word, shard.stems[word]]); }
        (own(shard.forms, word) ? shard.forms[word] : []).forEach(function (stem) {
          exact.push([stem, shard.stems[stem]]);
        });
        Object.keys(shard.stems).forEach(function (stem) {
          // Up to four letters more, or as many as the stem has: Portuguese
          // and Arabic stems lose long endings ("comunidade" is "comun").
          var longer = word.length - stem.length;
          if (stem.length >= 3 && word.indexOf(stem) === 0 && longer <= Math.max(4, stem.length)) {
            if (stem.length > bestLen) { best = []; bestLen = stem.length; }
            if (stem.length === bestLen) { best.push([stem, shard.stems[stem]]); }
          }
        });
      });
      var found = {};
      var forms = Object.create(null);
      (exact.length ? exact : best).forEach(function (hit) {
        postings(hit[1][0]).forEach(function (id) { found[id] = true; });
        forms[hit[0]] = true;
        hit[1][1].split(" ").forEach(function (f) { if (f) { forms[f] = true; } });
      });
      return { ids: found, forms: forms };
    });
  }

  // Document numbers can pass 2^32: divide rather than shift bits.
  function doc(id) {
    var n = Math.floor(id / Math.pow(2, manifest.file_shift));
    return load("d-" + n + ".js").then(function () { return docFiles[n][id]; });
  }

  // The text of document `d`, or "" when its file cannot be loaded.
  function text(d) {
    var file = "x/" + d[4].split("/").map(encodeURIComponent).join("/") + ".js";
    return load(file).then(function () {
      return own(texts, d[4]) ? texts[d[4]][d[5]] || "" : "";
    }, function () { return ""; });
  }

  var results = [];
  var shown = 0;
  var generation = 0;
  // Per word of the query: the folded forms that count as that word, to mark.
  var terms = [];

  // Where words of the query are in `text`, in order: [start, end] of each.
  // Words are cut and folded as the index cuts and folds them.
  function matches(text) {
    var found = [];
    var word = /[\p{L}\p{N}\p{M}]+/gu;
    var m;
    while ((m = word.exec(text))) {
      var folded = fold(m[0]).replace(/[^\p{L}\p{N}]/gu, "");
      for (var t = 0; t < terms.length; t++) {
        if (terms[t][folded]) {
          found.push([m.index, m.index + m[0].length, t]);
          break;
        }
      }
    }
    return found;
  }

  // [start, end] of the passage to show: about PASSAGE characters holding the
  // most distinct words of the query close together (the first such place),
  // with a little context before, cut between words. The start of the text
  // when no word of the query is in it (a document found by its author).
  function passage(text, found) {
    var best = -1;
    var bestCount = 0;
    for (var i = 0; i < found.length; i++) {
      var seen = {};
      var count = 0;
      for (var j = i; j < found.length && found[j][1] - found[i][0] <= PASSAGE; j++) {
        if (!seen[found[j][2]]) { seen[found[j][2]] = true; count++; }
      }
      if (count > bestCount) { bestCount = count; best = i; }
    }
    var start = 0;
    var first = best >= 0 ? found[best] : [0, 0];
    if (first[0] > PASSAGE / 5) {
      start = first[0] - Math.floor(PASSAGE / 5);
      var space = text.slice(start, first[0]).search(/\s/);
      start = space < 0 ? first[0] : start + space + 1;
    }
    var end = Math.min(text.length, start + PASSAGE);
    if (end < text.length) {
      var cut = text.slice(start, end).search(/\s\S*$/);
      if (cut > 0) { end = start + cut; }
    }
    return [start, Math.max(end, first[1])];
  }

  // The passage of `text` around the words found, with them in <mark>:
  // text nodes and elements only, never parsed as HTML.
  function snippet(text) {
    var p = document.createElement("p");
    p.className = "result-snippet";
    var found = matches(text);
    var range = passage(text, found);
    var flat = function (s) { return s.replace(/\s+/g, " "); };
    var pos = range[0];
    if (pos > 0) { p.appendChild(document.createTextNode("… ")); }
    found.forEach(function (f) {
      if (f[0] < range[0] || f[1] > range[1]) { return; }
      p.appendChild(document.createTextNode(flat(text.slice(pos, f[0]))));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(f[0], f[1]);
      p.appendChild(mark);
      pos = f[1];
    });
    p.appendChild(document.createTextNode(flat(text.slice(pos, range[1]))));
    if (range[1] < text.length) { p.appendChild(document.createTextNode(" …")); }
    return p;
  }

  function langName(code) {
    for (var i = 0; i < langSelect.options.length; i++) {
      if (langSelect.options[i].value === code) { return langSelect.options[i].text; }
    }
    return code;
  }

  // The direction of a language ("rtl", "ltr"), as the language menu's
  // options say on a site with a right-to-left language; "" on others.
  function langDir(code) {
    for (var i = 0; i < langSelect.options.length; i++) {
      if (langSelect.options[i].value === code) { return langSelect.options[i].getAttribute("dir") || ""; }
    }
    return "";
  }

  // Marks `el` as written in `lang`, with its direction when it has one.
  function inLang(el, lang) {
    el.setAttribute("lang", lang);
    var dir = langDir(lang);
    if (dir) { el.setAttribute("dir", dir); }
  }

  function render(d, text) {
    var li = document.createElement("li");
    inLang(li, d[3]);
    var title = document.createElement("a");
    title.className = "result-title";
    title.href = root + pageLang + "/" + d[0];
    inLang(title, pageLang);
    title.textContent = d[1] || box.getAttribute(d[0].indexOf("/replies/") >= 0 ? "data-anonymous" : "data-summary");
    li.appendChild(title);
    var badge = document.createElement("span");
    badge.className = "badge";
    inLang(badge, pageLang);
    badge.title = box.getAttribute("data-language") + ": " + langName(d[3]);
    badge.textContent = langName(d[3]);
    li.appendChild(badge);
    var meta = document.createElement("p");
    meta.className = "result-meta";
    inLang(meta, pageLang);
    meta.textContent = box.getAttribute("data-question") + " " + d[2];
    li.appendChild(meta);
    if (text) { li.appendChild(snippet(text)); }
    return li;
  }

  function showMore() {
    var mine = generation;
    var batch = results.slice(shown, shown + PAGE);
    shown += batch.length;
    more.hidden = shown >= results.length;
    return Promise.all(batch.map(function (id) {
      return doc(id).then(function (d) {
        return d ? text(d).then(function (t) { return [d, t]; }) : null;
      });
    })).then(function (items) {
      if (mine !== generation) { return; }
      items.forEach(function (item) { if (item) { list.appendChild(render(item[0], item[1])); } });
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
      terms = sets.map(function (s) { return s.forms; });
      var ids = Object.keys(sets[0].ids).map(Number).filter(function (id) {
        return sets.every(function (s) { return s.ids[id]; });
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
