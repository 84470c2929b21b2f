/* 试点一览: filters, sorting and paging over every pilot, with the state in the URL.
 *
 * The page is complete without this script (a server-rendered, paginated list plus one page
 * per level, domain, area, status and year). The script adds filter menus; the rows of all
 * pilots are fetched only once a filter or a sort is chosen. Data text is always set with
 * textContent, never parsed as HTML.
 */
(function () {
  "use strict";

  var head = document.querySelector("[data-kb-list]");
  if (!head || !window.URLSearchParams || !window.fetch) return;
  var facetPage = head.getAttribute("data-kb-list") !== "all";
  var optionsNode = head.querySelector("script.kb-facet-options");
  // Facet names, labels and values come from the page (pilotkb/data/facets.py), in display order.
  var declared = optionsNode ? JSON.parse(optionsNode.textContent) : [];
  var FACETS = declared.map(function (f) { return f.name; });
  var LABELS = {};
  var options = {};
  declared.forEach(function (f) { LABELS[f.name] = f.label; options[f.name] = f.options; });
  var root = head.getAttribute("data-kb-root") || "";
  var indexUrl = head.getAttribute("data-kb-index");
  var pageSize = parseInt(head.getAttribute("data-kb-page-size"), 10) || 50;
  var content = head.parentNode;
  var serverList = content.querySelector("ul.kb-cards");
  var serverPager = content.querySelector("nav.kb-pager");
  var countNode = head.querySelector(".kb-count");
  var serverCount = countNode.cloneNode(true);
  var rows = null;
  var loading = null;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function state() {
    var params = new URLSearchParams(location.search);
    var s = { sort: params.get("sort") || "", page: Math.max(1, parseInt(params.get("p"), 10) || 1) };
    FACETS.forEach(function (f) { s[f] = params.get(f) || ""; });
    return s;
  }

  function active(s) {
    return s.sort !== "" || FACETS.some(function (f) { return s[f] !== ""; }) || s.page > 1;
  }

  function writeState(s) {
    var params = new URLSearchParams();
    FACETS.forEach(function (f) { if (s[f]) params.set(f, s[f]); });
    if (s.sort) params.set("sort", s.sort);
    if (s.page > 1) params.set("p", String(s.page));
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  setupDownloads();
  if (facetPage) return;  // the filter form is for 试点一览 only

  // --- the form (in the page, see browse_list.md.j2; shown only when scripts run) ------
  var form = head.querySelector("form.kb-filters");
  if (!form) return;
  var selects = {};
  Array.prototype.forEach.call(form.querySelectorAll("select"), function (select) {
    select.addEventListener("change", function () {
      var s = readForm();
      s.page = 1;
      writeState(s);
      render(s);
    });
    selects[select.name] = select;
  });
  var reset = form.querySelector(".kb-reset");
  reset.addEventListener("click", function () {
    Object.keys(selects).forEach(function (k) { selects[k].value = ""; });
    var s = readForm();
    s.page = 1;
    writeState(s);
    render(s);
    selects[FACETS[0]].focus();
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); });

  var results = el("div", { "class": "kb-results", hidden: "" });
  content.insertBefore(results, serverList || serverPager || null);

  function readForm() {
    var s = { page: 1 };
    Object.keys(selects).forEach(function (k) { s[k] = selects[k].value; });
    return s;
  }

  function fillForm(s) {
    Object.keys(selects).forEach(function (k) {
      var value = s[k] || "";
      var known = Array.prototype.some.call(selects[k].options, function (o) { return o.value === value; });
      selects[k].value = known ? value : "";
    });
  }

  // --- rows --------------------------------------------------------------------------
  function load() {
    if (!loading) {
      loading = fetch(indexUrl, { credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok) throw new Error(r.status);
          return r.json();
        })
        .then(function (doc) {
          rows = doc;
          if (!declared.length) {
            FACETS = doc.facets;
            LABELS = doc.labels;
            FACETS.forEach(function (f) {
              options[f] = doc.options[f].map(function (o) { return { slug: o[0], label: o[1] }; });
            });
          }
          return doc;
        });
    }
    return loading;
  }

  function slugIndex(facet, slug) {
    for (var i = 0; i < options[facet].length; i++) if (options[facet][i].slug === slug) return i;
    return -1;
  }

  // row: [id, name, one column per facet of rows.facets (an index, or a list of indexes), deadline]
  function col(facet) { return 2 + rows.facets.indexOf(facet); }
  function deadline(row) { return row[2 + rows.facets.length]; }

  function matches(row, want) {
    return FACETS.every(function (f) {
      if (want[f] < 0) return true;
      var v = row[col(f)];
      return Array.isArray(v) ? v.indexOf(want[f]) >= 0 : v === want[f];
    });
  }

  var collator = window.Intl ? new Intl.Collator("zh-CN") : null;
  function sorter(kind) {
    if (kind === "name") return function (a, b) { return collator ? collator.compare(a[1], b[1]) : (a[1] < b[1] ? -1 : 1); };
    if (kind === "year") {
      return function (a, b) {
        var y = col("year");
        var ya = parseInt(options.year[a[y]].slug, 10) || 0, yb = parseInt(options.year[b[y]].slug, 10) || 0;
        return yb - ya;
      };
    }
    if (kind === "deadline") {
      return function (a, b) {
        var da = deadline(a), db = deadline(b);
        if (!da || !db) return da ? -1 : db ? 1 : 0;
        return da < db ? -1 : da > db ? 1 : 0;
      };
    }
    return null;
  }

  function card(row) {
    var li = el("li", { "class": "kb-card", "data-id": row[0] });
    var title = el("p", { "class": "kb-card__title" });
    title.appendChild(el("a", { href: root + rows.url.replace("ID", row[0]) }, row[1]));
    li.appendChild(title);
    // the menus' 未公开 says which field is not public
    function named(facet, i, what) {
      var o = options[facet][i];
      return o.slug === "unknown" ? what + o.label : o.label;
    }
    var meta = [
      named("level", row[col("level")], "层级"),
      row[col("domain")].map(function (i) { return named("domain", i, "领域"); }).join("、"),
      row[col("area")].map(function (i) { return named("area", i, "地区"); }).join("、"),
      named("status", row[col("status")], "状态")
    ];
    li.appendChild(el("p", { "class": "kb-card__meta" }, meta.join(" · ")));
    return li;
  }

  function pager(s, pages) {
    var nav = el("nav", { "class": "kb-pager", "aria-label": "分页" });
    function go(page, label, rel) {
      var b = el("button", { type: "button", "class": "kb-pager__btn" }, label);
      if (rel) b.setAttribute("rel", rel);
      b.addEventListener("click", function () {
        s.page = page;
        writeState(s);
        render(s);
        countNode.focus();
      });
      nav.appendChild(b);
    }
    if (s.page > 1) go(s.page - 1, "上一页", "prev");
    nav.appendChild(el("span", { "class": "kb-pager__at" }, "第 " + s.page + " / " + pages + " 页"));
    if (s.page < pages) go(s.page + 1, "下一页", "next");
    return nav;
  }

  function showServer() {
    results.hidden = true;
    if (serverList) serverList.hidden = false;
    if (serverPager) serverPager.hidden = false;
    countNode.replaceChildren.apply(countNode, Array.prototype.slice.call(serverCount.cloneNode(true).childNodes));
  }

  function render(s) {
    fillForm(s);
    if (!active(s)) { showServer(); return; }
    countNode.textContent = "正在加载……";
    load().then(function () {
      var want = {};
      FACETS.forEach(function (f) { want[f] = s[f] ? slugIndex(f, s[f]) : -1; });
      var hits = rows.rows.filter(function (r) { return matches(r, want); });
      var cmp = sorter(s.sort);
      if (cmp) hits = hits.slice().sort(cmp);
      var pages = Math.max(1, Math.ceil(hits.length / pageSize));
      if (s.page > pages) s.page = pages;
      var first = (s.page - 1) * pageSize;
      var shown = hits.slice(first, first + pageSize);
      if (serverList) serverList.hidden = true;
      if (serverPager) serverPager.hidden = true;
      results.hidden = false;
      results.replaceChildren();
      if (!hits.length) {
        countNode.textContent = "没有符合条件的试点（共 " + rows.rows.length + " 项）。";
        var none = el("p", { "class": "kb-none" }, "没有符合条件的试点。可以放宽筛选条件，或");
        var clear = el("button", { type: "button", "class": "md-button" }, "清除筛选");
        clear.addEventListener("click", function () { reset.click(); });
        none.appendChild(clear);
        results.appendChild(none);
        return;
      }
      countNode.textContent = "符合条件的试点 " + hits.length + " 项（共 " + rows.rows.length + " 项）" +
        (pages > 1 ? "，第 " + s.page + "/" + pages + " 页" : "") + "。";
      var list = el("ul", { "class": "kb-cards" });
      shown.forEach(function (r) { list.appendChild(card(r)); });
      results.appendChild(list);
      if (pages > 1) results.appendChild(pager(s, pages));
    }).catch(function () {
      countNode.textContent = "筛选数据加载失败，请刷新页面重试；也可以使用分类浏览。";
    });
  }

  // --- downloads of what the reader sees ---------------------------------------------
  // The links point at the full files (they work without script); with script they give
  // the rows of the current filters and sort, or of this page's facet value.
  function shownRows() {
    var s = { sort: "" };
    if (facetPage) {
      s[head.getAttribute("data-kb-list")] = head.getAttribute("data-kb-value");
    } else {
      s = state();
    }
    var want = {};
    FACETS.forEach(function (f) { want[f] = s[f] ? slugIndex(f, s[f]) : -1; });
    var hits = rows.rows.filter(function (r) { return matches(r, want); });
    var cmp = sorter(s.sort);
    return cmp ? hits.slice().sort(cmp) : hits;
  }

  function record(row) {
    var out = { id: row[0], name: row[1] };
    rows.facets.forEach(function (f, i) {
      var v = row[2 + i];
      var labels = (Array.isArray(v) ? v : [v]).map(function (j) { return options[f][j].label; });
      out[f] = Array.isArray(v) ? labels : labels[0];
    });
    out.deadline = deadline(row) || null;
    out.url = new URL(root + rows.url.replace("ID", row[0]), location.href).href;
    return out;
  }

  function cell(value) {
    var text = Array.isArray(value) ? value.join("；") : value === null ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;  // a spreadsheet must not run it
    return '"' + text.replace(/"/g, '""') + '"';
  }

  function fileOf(kind, records) {
    if (kind === "json") return new Blob([JSON.stringify(records, null, 1)], { type: "application/json" });
    var keys = ["id", "name"].concat(rows.facets, ["deadline", "url"]);
    var header = ["编号", "名称"].concat(rows.facets.map(function (f) { return LABELS[f]; }), ["完成时限", "网址"]);
    var lines = [header.map(cell).join(",")];
    records.forEach(function (r) { lines.push(keys.map(function (k) { return cell(r[k]); }).join(",")); });
    return new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
  }

  function setupDownloads() {
    var links = head.querySelectorAll("[data-kb-download]");
    // the links' wording with scripts is in the page (browse_list.md.j2), shown by html.js
    Array.prototype.forEach.call(links, function (a) {
      var kind = a.getAttribute("data-kb-download");
      a.addEventListener("click", function (e) {
        e.preventDefault();
        load().then(function () {
          var name = "pilots" + (facetPage ? "-" + head.getAttribute("data-kb-list") + "-" +
            head.getAttribute("data-kb-value") : location.search ? "-filtered" : "") + "." + kind;
          var link = document.createElement("a");
          link.href = URL.createObjectURL(fileOf(kind, shownRows().map(record)));
          link.download = name;
          document.body.appendChild(link);
          link.click();
          setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
        }).catch(function () { location.href = a.href; });
      });
    });
  }

  countNode.setAttribute("tabindex", "-1");
  render(state());
})();
