/* Site search over the static index in assets/search/index/ (see pilotkb/search/).
 *
 * A query is split like the pages were: CJK runs are segmented with the index's own
 * vocabulary (all terms starting with the rest of the query, else the longest term),
 * ASCII words are taken whole. Only the shards of the query's terms, the top results'
 * documents and, when filtering, the facet bitsets are fetched. Data text is only ever
 * inserted with textContent.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch || !window.URL || !String.prototype.normalize) return;
  var INDEX = new URL("index/", script.src);
  var ROOT = new URL("../../", script.src);
  var DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-";
  var VAL = {};
  for (var i = 0; i < DIGITS.length; i++) VAL[DIGITS[i]] = i;
  var RUN = /[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+(?:\.[0-9]+)*/g;
  var PAGE = 10;
  // The index format this script reads (pilotkb/search/format.py VERSION).
  var FORMAT = 4;
  function VersionError(message) { this.message = message; }

  /* --- index ------------------------------------------------------------------- */
  var manifest = null;
  var files = {};

  function load(path, json) {
    if (!files[path]) {
      var url = new URL(path, INDEX);
      if (manifest) url.search = "v=" + manifest.build;
      files[path] = fetch(url.href).then(function (r) {
        if (!r.ok) {
          if (r.status === 404) return null;
          throw new Error(r.status + " " + path);
        }
        return json ? r.json() : r.text();
      });
      files[path].catch(function () { delete files[path]; });
    }
    return files[path];
  }

  function ready() {
    if (manifest) return Promise.resolve(manifest);
    return load("manifest.json", true).then(function (m) {
      if (!m || m.v !== FORMAT) {
        throw new VersionError("检索索引的格式（" + (m ? m.v : "无") + "）与本页脚本（" + FORMAT +
          "）不一致，请刷新页面；若仍如此，说明网站正在更新，请稍后再试。");
      }
      manifest = m;
      return m;
    });
  }

  function shardFile(key) {
    return "t/" + Array.from(key).map(function (c) { return c.codePointAt(0).toString(16); }).join("-") + ".json";
  }

  var shards = {};
  function shard(key) {
    if (!shards[key]) {
      shards[key] = load(shardFile(key), true).then(function (rows) {
        var map = {};
        (rows || []).forEach(function (r) { map[r[0]] = r; });
        return { rows: rows || [], map: map };
      });
    }
    return shards[key];
  }

  function keyOf(s) {
    return s.length > 1 && manifest.split.indexOf(s[0]) >= 0 ? s.slice(0, 2) : s[0];
  }

  function decode(text, out) {
    var doc = 0, n = 0, shift = 0;
    for (var i = 0; i < text.length; i++) {
      var v = VAL[text[i]];
      if (v >= 32) {
        n += (v - 32) * Math.pow(32, shift);
        shift++;
        continue;
      }
      doc += n + v * Math.pow(32, shift);
      out.push(doc, VAL[text[++i]]);
      n = 0;
      shift = 0;
    }
    return out;
  }

  /* --- query ------------------------------------------------------------------- */
  // As pilotkb/search/segment.py fold(): quotation marks dropped, so “两权”抵押 reads 两权抵押.
  function normalize(s) { return s.normalize("NFKC").toLowerCase().replace(/[“”‘’「」『』"']/g, ""); }

  // One group per query word: the index terms it matches (the word itself, or the
  // terms it begins). Documents holding every group rank first, then those holding most.
  // A word the index does not know (its pieces would be single characters) is kept as an
  // unknown group with no terms: no document holds it (the results say so), rather than
  // one sharing a character with the query.
  // Words of two characters or more must cover more than half of a run, and a character
  // that is no index term may only trail it (扶贫款: 扶贫); otherwise the run is a word the
  // index does not know (信访 is not 信 + 访, 火星基地 is not 基地) and matches nothing,
  // except that a word of three characters or more the index knows stays a word of its
  // own beside it (社保卡怎么办理: 社保卡 + 怎么办理).
  function segment(run) {
    var groups = [];
    var covered = 0;  // characters inside groups of two characters or more
    var stray = -1;  // position of the first character that is no index term
    function done() {
      var unknown = run.length > 1 && (covered * 2 <= run.length || (stray >= 0 && groups.some(function (g) {
        return g.at > stray;
      })));
      if (!unknown) return groups;
      var out = [], at = 0;
      groups.forEach(function (g) {
        if (g.text.length < 3) return;
        if (g.at > at) out.push({ text: run.slice(at, g.at), rows: [], at: at });
        out.push(g);
        at = g.at + g.text.length;
      });
      if (at < run.length) out.push({ text: run.slice(at), rows: [], at: at });
      return out;
    }
    function step(i) {
      if (i >= run.length) return done();
      var rest = run.slice(i);
      return shard(keyOf(rest)).then(function (sh) {
        var ascii = rest.charCodeAt(0) < 128;
        var starts = sh.rows.filter(function (r) { return r[0].lastIndexOf(rest, 0) === 0; });
        if (starts.length && (ascii || rest.length > 1 || run.length === 1)) {
          groups.push({ text: rest, rows: starts, at: i });
          covered += rest.length > 1 ? rest.length : 0;
          return done();
        }
        for (var len = rest.length - 1; len >= 2; len--) {
          var row = sh.map[rest.slice(0, len)];
          if (row) {
            groups.push({ text: row[0], rows: [row], at: i });
            covered += len;
            return step(i + len);
          }
        }
        var single = keyOf(rest) === rest[0] ? Promise.resolve(sh) : shard(rest[0]);
        return single.then(function (s1) {
          var r1 = s1.map[rest[0]];
          if (r1) groups.push({ text: rest[0], rows: [r1], at: i });
          else if (stray < 0) stray = i;
          return step(i + 1);
        });
      });
    }
    return step(0);
  }

  // A query not read whole as words: its traditional characters read as simplified (ts.txt,
  // fetched when a character starts no index term), then Latin words or three characters
  // or more by kb-search-forgive.js (pinyin, sound), fetched then only.
  var LATIN = /^[a-z]+$/;
  var CJK_WORD = /^[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$/;
  var SOUND_FROM = 3;
  var forgiving = null, forgiven = null, simplified = null;

  function unique(list) {
    return list.filter(function (x, i) { return list.indexOf(x) === i; });
  }

  function unread(run, groups) {
    if (run.length < 2 || !(LATIN.test(run) || CJK_WORD.test(run))) return false;
    var covered = 0;
    groups.forEach(function (g) { if (g.rows.length && g.text.length > 1) covered += g.text.length; });
    return covered < run.length;
  }

  function readText(text) {
    var runs = text.match(RUN) || [];
    return Promise.all(runs.map(segment)).then(function (lists) {
      return { text: text, groups: [].concat.apply([], lists),
        unread: runs.filter(function (run, i) { return unread(run, lists[i]); }) };
    });
  }

  function strange(runs) {
    var chars = unique(Array.from(runs.join("")).filter(function (c) {
      return CJK_WORD.test(c) && manifest.split.indexOf(c) < 0;
    }));
    return Promise.all(chars.map(shard)).then(function (all) { return all.some(function (sh) { return !sh.rows.length; }); });
  }

  function traditional() {
    simplified = simplified || load("ts.txt", false).then(function (text) {
      var map = {}, chars = Array.from(text || "");
      for (var i = 0; i + 1 < chars.length; i += 2) map[chars[i]] = chars[i + 1];
      return map;
    });
    return simplified;
  }

  function forgive() {
    forgiving = forgiving || new Promise(function (done, fail) {
      var s = document.createElement("script");
      s.src = new URL("kb-search-forgive.js" + new URL(script.src).search, script.src).href;
      s.onload = function () {
        done(forgiven = window.kbSearchForgive({ load: load, shard: shard, keyOf: keyOf, segment: segment, unread: unread,
          unique: unique, RUN: RUN, LATIN: LATIN, CJK_WORD: CJK_WORD }));
      };
      s.onerror = function () { forgiving = null; fail(new Error("kb-search-forgive.js")); };
      document.head.appendChild(s);
    });
    return forgiving;
  }

  function parse(query) {
    var q = normalize(query);
    return readText(q).then(function (r) {
      return !r.unread.length ? r : strange(r.unread).then(function (odd) {
        return !odd ? r : traditional().then(function (ts) {
          var simple = Array.from(q).map(function (c) { return ts[c] || c; }).join("");
          return simple === q ? r : readText(simple).then(function (read) {
            read.groups.forEach(function (g) { if (g.rows.length && q.indexOf(g.text) < 0) g.via = "字形"; });
            return read;
          });
        });
      });
    }).then(function (r) {
      if (!r.unread.some(function (run) { return LATIN.test(run) || run.length >= SOUND_FROM; })) return r.groups;
      return forgive().then(function (f) { return f.parse(r.text, q); });
    });
  }

  function postingsOf(row, full) {
    var list = decode(row[2], []);
    if (!full || row[3] === undefined) return Promise.resolve(list);
    return load("x/" + row[3] + ".txt", false).then(function (more) { return decode(more || "", list); });
  }

  function facetSets(filters) {
    var keys = Object.keys(filters).filter(function (k) { return filters[k]; });
    return Promise.all(keys.map(function (k) {
      return load("f/" + k + "/" + filters[k] + ".txt", false).then(function (bits) { return bits || ""; });
    }));
  }

  function has(bits, doc) {
    var c = bits[Math.floor(doc / 6)];
    return c !== undefined && ((VAL[c] >> (doc % 6)) & 1) === 1;
  }

  // Ranked documents, [id, words held, summed impacts, indexes of the words not held]: most
  // query words held first, records before sentences of sources, then the summed impacts. A document holding only some words is
  // a result too (after those holding all): one word the index does not know, or that no
  // page shares with the others, does not empty the list. Nothing only when no word is known.
  function rank(groups, filters, full) {
    var n = manifest.n;
    var capped = false;
    if (!groups.some(function (g) { return g.rows.length; })) {
      return Promise.resolve({ hits: [], capped: false, all: groups.length, complete: 0 });
    }
    // a document holding only single characters of a query that has words is no match
    var word = groups.map(function (g) { return g.text.length > 1; });
    var words = word.indexOf(true) >= 0;
    function idf(df) { return Math.log(1 + (n - df + 0.5) / (df + 0.5)); }
    var jobs = [];
    groups.forEach(function (g, gi) {
      // a term the word begins weighs no more than the word itself (淄博改革 is rarer than 淄博)
      var exact = g.exact || [g.text];
      var most = -Infinity;
      g.rows.forEach(function (row) { if (exact.indexOf(row[0]) >= 0) most = Math.max(most, idf(row[1])); });
      if (most === -Infinity) most = Infinity;
      g.rows.forEach(function (row) {
        if (row[3] !== undefined && !full) capped = true;
        var weight = exact.indexOf(row[0]) >= 0 ? idf(row[1]) : 0.8 * Math.min(idf(row[1]), most);
        jobs.push(postingsOf(row, full).then(function (p) { return [gi, weight, p]; }));
      });
    });
    return Promise.all([Promise.all(jobs), facetSets(filters)]).then(function (res) {
      var best = {};
      res[0].forEach(function (job) {
        var gi = job[0], w = job[1], p = job[2];
        for (var i = 0; i < p.length; i += 2) {
          var d = p[i], s = w * p[i + 1];
          var b = best[d] || (best[d] = new Array(groups.length).fill(0));
          if (s > b[gi]) b[gi] = s;
        }
      });
      var sets = res[1];
      var hits = [];
      var complete = 0;
      Object.keys(best).forEach(function (k) {
        var d = +k;
        for (var i = 0; i < sets.length; i++) if (!has(sets[i], d)) return;
        var b = best[k], matched = 0, score = 0, missing = [], held = !words, sound = 0;
        for (var j = 0; j < b.length; j++) {
          if (b[j] > 0) {
            matched++;
            score += b[j];
            held = held || word[j];
            if (groups[j].via === "读音") sound++;
          } else missing.push(j);
        }
        if (!held) return;
        if (!missing.length) complete++;
        hits.push([d, matched, score, missing, sound]);
      });
      // most words first; among as many, those found by sound after the others, records
      // before the sentences of sources (ids from s)
      var s = manifest.s;
      hits.sort(function (a, b) {
        return b[1] - a[1] || a[4] - b[4] || (a[0] >= s) - (b[0] >= s) || b[2] - a[2] || a[0] - b[0];
      });
      return { hits: hits, capped: capped, all: groups.length, complete: complete };
    });
  }

  /* --- rendering --------------------------------------------------------------- */
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function occurrences(text, words) {
    var lower = text.toLowerCase(), found = [];
    words.forEach(function (w, wi) {
      for (var at = lower.indexOf(w); at >= 0 && found.length < 500; at = lower.indexOf(w, at + w.length)) {
        found.push([at, at + w.length, wi]);
      }
    });
    found.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var out = [], end = -1;
    found.forEach(function (f) { if (f[0] >= end) { out.push(f); end = f[1]; } });
    return out;
  }

  // Text with the query words wrapped in <mark>, as DOM nodes (never HTML).
  function marked(parent, text, words, from, to) {
    var pos = from;
    occurrences(text, words).forEach(function (o) {
      if (o[0] < from || o[1] > to) return;
      parent.appendChild(document.createTextNode(text.slice(pos, o[0])));
      parent.appendChild(el("mark", "", text.slice(o[0], o[1])));
      pos = o[1];
    });
    parent.appendChild(document.createTextNode(text.slice(pos, to)));
  }

  function snippet(text, words) {
    text = text.replace(/\s*\n\s*/g, "　");
    var occ = occurrences(text, words);
    var start = 0;
    if (occ.length) {
      var bestN = -1;
      occ.forEach(function (o) {
        var seen = {};
        occ.forEach(function (p) { if (p[0] >= o[0] && p[0] < o[0] + 60) seen[p[2]] = 1; });
        var k = Object.keys(seen).length;
        if (k > bestN) { bestN = k; start = o[0]; }
      });
      start = Math.max(0, start - 24);
    }
    var end = Math.min(text.length, start + 120);
    var p = el("p", "kb-search-snippet");
    if (start > 0) p.appendChild(document.createTextNode("…"));
    marked(p, text, words, start, end);
    if (end < text.length) p.appendChild(document.createTextNode("…"));
    return p;
  }

  // Query words joined for a sentence: “看病”、“办理”.
  function quoted(words) {
    return words.map(function (w) { return "“" + w + "”"; }).join("、");
  }

  function item(doc, words, missing, vias) {
    var li = el("li", "md-search-result__item kb-search-result");
    var a = el("a", "md-search-result__link");
    a.href = new URL(doc.u, ROOT).href;
    a.tabIndex = -1;
    var art = el("article", "md-search-result__article md-typeset");
    var h = el("h1");
    marked(h, doc.t, words, 0, doc.t.length);
    var meta = el("p", "kb-search-meta");
    meta.appendChild(el("span", "kb-search-type", doc.k));
    [doc.l, (doc.a || []).join("、"), (doc.d || []).join("、"), doc.s].forEach(function (v) {
      if (v) meta.appendChild(el("span", "kb-search-facet", v));
    });
    if (missing.length) meta.appendChild(el("span", "kb-search-missing", "不含：" + quoted(missing)));
    vias.forEach(function (v) { meta.appendChild(el("span", "kb-search-via", "按" + v + "匹配")); });
    art.appendChild(h);
    art.appendChild(meta);
    art.appendChild(snippet(doc.x || "", words));
    a.appendChild(art);
    li.appendChild(a);
    return li;
  }

  /* --- one search box: input, facets, results ---------------------------------- */
  function Searcher(input, facetsBox, meta, list, onResults) {
    this.input = input;
    this.facetsBox = facetsBox;
    this.meta = meta;
    this.list = list;
    this.onResults = onResults || function () {};
    this.filters = {};
    this.seq = 0;
    this.shown = 0;
    var self = this;
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { self.run(); }, 60);
    });
  }

  Searcher.prototype.facets = function () {
    var self = this;
    if (this.facetsBox.firstChild) return;
    manifest.fl.forEach(function (f) {
      var values = manifest.facets[f[0]] || [];
      if (values.length < 2 && f[0] !== "type") return;
      var sel = el("select", "kb-search-select");
      var all = "全部" + f[1];
      sel.name = f[0];
      sel.setAttribute("aria-label", all);
      sel.appendChild(el("option", "", all)).value = "";
      values.forEach(function (v) {
        var o = el("option", "", v[1]);
        o.value = v[0];
        sel.appendChild(o);
      });
      sel.addEventListener("change", function () {
        self.filters[f[0]] = sel.value;
        self.run();
      });
      self.facetsBox.appendChild(sel);
    });
  };

  Searcher.prototype.run = function (full) {
    var self = this, seq = ++this.seq, query = this.input.value.trim();
    return ready().then(function () {
      self.facets();
      self.facetsBox.hidden = !query;
      if (!query) {
        self.list.textContent = "";
        self.meta.textContent = "键入以开始搜索";
        self.result = null;
        return null;
      }
      var filtering = Object.keys(self.filters).some(function (k) { return self.filters[k]; });
      return parse(query).then(function (groups) {
        full = full || filtering;
        return rank(groups, self.filters, full).then(function (r) {
          // Too few documents hold every word among the top postings: use all of them.
          if (r.capped && !full && r.complete < PAGE) {
            full = true;
            return rank(groups, self.filters, true);
          }
          return r;
        }).then(function (r) {
          if (seq !== self.seq) return null;
          self.groups = groups;
          self.seen = {};
          self.divided = false;
          r.words = unique([].concat.apply([], groups.map(function (g) { return g.shown || [g.text]; })))
            .sort(function (a, b) { return b.length - a.length; });
          self.result = r;
          self.query = query;
          self.full = full;
          self.list.textContent = "";
          self.shown = 0;
          self.summary(filtering);
          if (!r.hits.length) self.suggest(query);
          return self.more();
        });
      });
    }).catch(function (e) {
      if (seq !== self.seq) return;
      self.meta.textContent = e instanceof VersionError ? e.message : "搜索暂时不可用，请稍后再试";
    });
  };

  // The line above the results: how many hold every word; when none does, which words no
  // result holds (the words each result lacks are shown on it).
  Searcher.prototype.summary = function (filtering) {
    var r = this.result, groups = this.groups;
    var held = {};
    r.hits.forEach(function (h) {
      groups.forEach(function (g, gi) { if (h[3].indexOf(gi) < 0) held[gi] = 1; });
    });
    // words no result holds: named once here, not on every result
    this.absent = groups.map(function (g, gi) { return gi; }).filter(function (gi) { return !held[gi]; });
    var absent = this.absent.map(function (gi) { return groups[gi].text; });
    this.meta.classList.toggle("kb-search-notice", !r.complete && r.hits.length > 0);
    var text;
    if (r.complete) {
      text = "找到 " + r.complete + (r.capped && !this.full ? "+" : "") + " 个符合条件的结果";
    } else if (r.hits.length) {
      text = "未找到同时包含全部词语的结果；" +
        (absent.length ? "以下结果不含：" + quoted(absent) : "以下结果只含其中部分词语");
    } else {
      text = "没有找到与“" + this.query + "”相关的内容" + (filtering ? "（已按所选条件筛选）" : "") + "。";
    }
    this.meta.textContent = (r.hits.length && forgiven ? forgiven.readAs(groups) : "") + text;
  };

  // How a result was found, when not by the words as typed (字形, 拼音, 读音).
  Searcher.prototype.vias = function (hit) {
    return unique(this.groups.filter(function (g, gi) { return g.via && hit[3].indexOf(gi) < 0; })
      .map(function (g) { return g.via; }));
  };

  // The words of the query a result does not hold, beyond those no result holds.
  Searcher.prototype.missing = function (hit) {
    var self = this;
    return hit[3].filter(function (gi) { return self.absent.indexOf(gi) < 0; })
      .map(function (gi) { return self.groups[gi].text; });
  };

  // Close words from the vocabulary (名词解释), offered when nothing matches.
  Searcher.prototype.suggest = function (query) {
    var self = this;
    var q = normalize(query).replace(/\s+/g, "");
    var words = [];
    (manifest.voc || []).forEach(function (entry) {
      [entry[0]].concat(entry[1]).forEach(function (w) { if (words.indexOf(w) < 0) words.push(w); });
    });
    var scored = words.map(function (w) {
      var n = 0;
      var lw = normalize(w);
      for (var i = 0; i < q.length; i++) if (lw.indexOf(q[i]) >= 0) n++;
      return [w, n];
    }).filter(function (x) { return x[1] >= Math.min(2, q.length) && normalize(x[0]) !== q; });
    scored.sort(function (a, b) { return b[1] - a[1]; });
    if (!scored.length) return;
    var li = el("li", "kb-search-suggest");
    li.appendChild(document.createTextNode("可以试试："));
    scored.slice(0, 5).forEach(function (x) {
      var b = el("button", "kb-search-suggest__word", x[0]);
      b.type = "button";
      b.addEventListener("click", function () {
        self.input.value = x[0];
        self.run();
      });
      li.appendChild(b);
    });
    this.list.appendChild(li);
  };

  // Show the next page of results, in order, each as soon as it and those before it are in.
  Searcher.prototype.more = function () {
    var self = this, r = this.result, seq = this.seq;
    var old = this.list.querySelector(".kb-search-more");
    if (old) old.remove();
    if (!r) return null;
    if (this.shown >= r.complete && r.capped && !this.full) {
      // past the top postings' documents holding every word: rank again with all of them,
      // skipping what is shown, so that those holding every word still come first
      this.full = true;
      return rank(this.groups, this.filters, true).then(function (all) {
        if (seq !== self.seq) return null;
        all.words = r.words;
        self.result = all;
        var shown = Object.keys(self.seen).map(function (d) { return self.seen[d]; });
        self.shown = shown.length;
        all.hits = shown.concat(all.hits.filter(function (h) { return !self.seen[h[0]]; }));
        self.summary(false);
        return self.more();
      });
    }
    var page = r.hits.slice(this.shown, this.shown + PAGE);
    this.shown += page.length;
    page.forEach(function (h) { self.seen[h[0]] = h; });
    var docs = page.map(function (h) { return load("d/" + h[0] + ".json", true); });
    var chain = Promise.resolve();
    docs.forEach(function (p, i) {
      var hit = page[i];
      chain = chain.then(function () { return p; }).then(function (doc) {
        if (seq !== self.seq || !doc) return;
        var missing = self.missing(hit);
        if (missing.length && r.complete && !self.divided) {
          // after the results holding every word, those holding only some
          self.divided = true;
          self.list.appendChild(el("li", "kb-search-partial", "以下结果只含其中部分词语"));
        }
        self.list.appendChild(item(doc, r.words, missing, self.vias(hit)));
        self.onResults();
      });
    });
    return chain.then(function () {
      if (seq !== self.seq) return;
      self.list.setAttribute("data-query", self.query);  // rendered (tests wait for it)
      if (self.shown < r.hits.length || (r.capped && !self.full)) {
        var li = el("li", "md-search-result__item kb-search-more");
        var b = el("button", "md-search-result__link", "显示更多结果");
        b.type = "button";
        b.addEventListener("click", function () { self.more(); });
        li.appendChild(b);
        self.list.appendChild(li);
      }
    });
  };

  /* --- keyboard: / or s opens, arrows move, Enter opens, Esc closes ------------ */
  function typing(t) {
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }

  function arrows(container, input, e) {
    var links = Array.prototype.slice.call(container.querySelectorAll(".md-search-result__link"));
    if (!links.length) return false;
    var at = links.indexOf(document.activeElement);
    if (e.key === "ArrowDown") at = at < 0 ? 0 : Math.min(at + 1, links.length - 1);
    else if (at <= 0) { input.focus(); e.preventDefault(); return true; }
    else at -= 1;
    links[at].focus();
    links[at].scrollIntoView({ block: "nearest" });
    e.preventDefault();
    return true;
  }

  function mountHeader() {
    var box = document.querySelector(".kb-search");
    var toggle = document.getElementById("__search");
    if (!box || !toggle) return;
    var input = box.querySelector(".md-search__input");
    var form = box.querySelector(".md-search__form");
    var s = new Searcher(
      input,
      box.querySelector(".kb-search-facets"),
      box.querySelector(".md-search-result__meta"),
      box.querySelector(".md-search-result__list")
    );
    function open() {
      if (!toggle.checked) {
        toggle.checked = true;
        toggle.dispatchEvent(new Event("change"));
      }
      input.focus();
      ready().then(function () { s.facets(); });
    }
    function close() {
      if (toggle.checked) {
        toggle.checked = false;
        toggle.dispatchEvent(new Event("change"));
      }
      if (box.contains(document.activeElement)) document.activeElement.blur();
    }
    toggle.addEventListener("change", function () {
      document.body.classList.toggle("kb-search-open", toggle.checked);
      if (!toggle.checked && box.contains(document.activeElement)) document.activeElement.blur();
    });
    input.addEventListener("focus", function () { if (!toggle.checked) open(); });
    var button = document.querySelector(".kb-search-button");
    if (button) {
      button.addEventListener("click", function (e) {
        e.preventDefault();
        open();
      });
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var first = box.querySelector(".md-search-result__link[href]");
      if (first) first.click();
    });
    form.addEventListener("reset", function () {
      setTimeout(function () { s.run(); input.focus(); }, 0);
    });
    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (toggle.checked) {
        if (e.key === "Escape") { close(); e.preventDefault(); }
        else if ((e.key === "ArrowDown" || e.key === "ArrowUp") && !(e.target && e.target.tagName === "SELECT")) {
          arrows(box, input, e);
        }
        return;
      }
      if ((e.key === "/" || e.key === "s" || e.key === "S") && !typing(e.target)) {
        e.preventDefault();
        open();
      }
    });
  }

  function mountPage() {
    var host = document.querySelector("[data-kb-search-page]");
    if (!host) return;
    host.textContent = "";
    var form = el("form", "kb-search-page__form");
    form.setAttribute("role", "search");
    var input = el("input", "kb-search-page__input");
    input.type = "search";
    input.name = "q";
    input.placeholder = "搜索试点、经验、报道、活动、地区……";
    input.setAttribute("aria-label", "搜索");
    input.autocomplete = "off";
    form.appendChild(input);
    var facets = el("div", "kb-search-facets");
    var result = el("div", "md-search-result kb-search-page__result");
    var meta = el("div", "md-search-result__meta", "键入以开始搜索");
    var list = el("ol", "md-search-result__list");
    result.appendChild(meta);
    result.appendChild(list);
    host.appendChild(form);
    host.appendChild(facets);
    facets.hidden = true;
    var s = new Searcher(input, facets, meta, list);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var first = list.querySelector(".md-search-result__link[href]");
      if (first) first.click();
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") arrows(host, input, e);
    });
    list.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") arrows(host, input, e);
    });
    // With a query in the address, the results appear once, below their filters, instead
    // of a placeholder that the filters would push down (a layout shift on a slow phone).
    function show() { if (!result.parentNode) host.appendChild(result); }
    var q = new URLSearchParams(location.search).get("q");
    if (q) input.value = q;
    else show();
    s.run().then(show, show);
  }

  // The decoders, for the test that checks them against vectors encoded in Python.
  window.kbSearchFormat = {
    version: FORMAT,
    postings: function (text) { return decode(text, []); },
    bits: function (text, n) {
      var out = [];
      for (var d = 0; d < n; d++) if (has(text, d)) out.push(d);
      return out;
    }
  };

  function start() {
    mountHeader();
    mountPage();
  }
  // once: the page dispatches DOMContentLoaded again when Material's bundle starts late
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
  else start();
})();
