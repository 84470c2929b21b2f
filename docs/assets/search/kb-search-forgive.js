/* Forgiving queries, for kb-search.js (fetched by it only for a query with Latin letters or
 * three characters or more it cannot read as words): Latin letters read as pinyin or
 * initials (index p/<letter>.txt), a CJK run by its sound (py.txt), so 移风易素 finds 移风易俗
 * (pilotkb/search/forgive.py makes the files). Each group read so says how (via:
 * 字形, 拼音, 读音) and which index words it stands for (shown, highlighted); kb-search.js
 * ranks the words read by sound after those typed.
 */
(function () {
  "use strict";
  window.kbSearchForgive = function (api) {
    var load = api.load, shard = api.shard, keyOf = api.keyOf, segment = api.segment, unread = api.unread;
    var unique = api.unique, RUN = api.RUN, LATIN = api.LATIN, CJK_WORD = api.CJK_WORD;
    // a CJK run not read whole as words of two characters or more
    function unreadWords(run, groups) { return CJK_WORD.test(run) && unread(run, groups); }
    var INITIALS_FROM = 3;  // format.py INITIALS_FROM
    var PREFIX_WORDS = 8;  // the words a pinyin prefix stands for, at most: the shortest first
    var READING_COMBINATIONS = 32;  // readings tried for a span of characters, at most
    var SOUND_FROM = 3;  // characters of a word read by its sound, at least (kb-search.js)
    var tables = {};

    function table(path, parse) {
      if (!tables[path]) tables[path] = load(path, false).then(function (text) { return parse(text || ""); });
      return tables[path];
    }

    // py.txt: a line per syllable, its characters after it -> {character: [syllables]}
    function readings() {
      return table("py.txt", function (text) {
        var map = {};
        text.split("\n").forEach(function (line) {
          var syllable = (line.match(/^[a-z]+/) || [""])[0];
          Array.from(line.slice(syllable.length)).forEach(function (c) { (map[c] = map[c] || []).push(syllable); });
        });
        return map;
      });
    }

    // p/<letter>.txt: [{syllables, full, initials, words}]
    function pinyinLines(letter) {
      return table("p/" + letter + ".txt", function (text) {
        return text.split("\n").filter(Boolean).map(function (line) {
          var parts = line.split(" "), syllables = parts[0].split("'");
          return {
            syllables: parts[0],
            full: syllables.join(""),
            initials: syllables.map(function (s) { return s[0]; }).join(""),
            words: parts.slice(1)
          };
        });
      });
    }

    // A group standing for index words: their rows, the exact ones weighing most.
    function wordsGroup(text, exact, words, via) {
      return Promise.all(words.map(function (w) {
        return shard(keyOf(w)).then(function (sh) { return sh.map[w]; });
      })).then(function (rows) {
        rows = rows.filter(Boolean);
        return { text: text, rows: rows, exact: exact, via: via, shown: rows.map(function (r) { return r[0]; }) };
      });
    }

    // Latin letters as pinyin: the words read so (exactly, or as initials), then those whose
    // pinyin it begins; else pieces of it that are words' whole pinyin (chuangyedaikuan).
    function pinyinGroups(word) {
      var initials = word.length >= INITIALS_FROM;
      return pinyinLines(word[0]).then(function (lines) {
        var exact = [], more = [];
        lines.forEach(function (l) {
          if (l.full === word || (initials && l.initials === word)) exact.push(l);
          else if (l.full.lastIndexOf(word, 0) === 0 || (initials && l.initials.lastIndexOf(word, 0) === 0)) more.push(l);
        });
        more.sort(function (a, b) { return a.full.length - b.full.length || (a.full < b.full ? -1 : 1); });
        var words = unique([].concat.apply([], exact.map(function (l) { return l.words; })));
        var others = unique([].concat.apply([], more.map(function (l) { return l.words; })))
          .filter(function (w) { return words.indexOf(w) < 0; }).slice(0, PREFIX_WORDS);
        if (words.length || others.length) {
          return wordsGroup(word, words, words.concat(others), "拼音").then(function (g) { return [g]; });
        }
        return pinyinPieces(word);
      });
    }

    function pinyinPieces(word) {
      var pieces = [];
      function step(i) {
        if (i >= word.length) {
          return Promise.all(pieces.map(function (p) { return wordsGroup(p.text, p.words, p.words, "拼音"); }));
        }
        return pinyinLines(word[i]).then(function (lines) {
          var best = null;
          lines.forEach(function (l) {
            if (word.lastIndexOf(l.full, i) === i && (!best || l.full.length > best.full.length)) best = l;
          });
          if (!best) return null;
          var words = unique([].concat.apply([], lines.filter(function (l) { return l.full === best.full; })
            .map(function (l) { return l.words; })));
          pieces.push({ text: best.full, words: words });
          return step(i + best.full.length);
        });
      }
      return step(0);
    }

    // The readings of a span of characters, joined as in p/ files (at most READING_COMBINATIONS).
    function spellings(options) {
      var out = [""];
      options.forEach(function (syllables, i) {
        var next = [];
        out.forEach(function (o) {
          syllables.forEach(function (s) {
            if (next.length < READING_COMBINATIONS) next.push(i ? o + "'" + s : s);
          });
        });
        out = next;
      });
      return out;
    }

    // A CJK word no page holds, read by its sound: the longest spans, left to right, that read
    // as index words of as many characters (two-character ones sharing a character with it).
    // Null unless every character is in such a span.
    function soundSpans(text) {
      var chars = Array.from(text);
      return readings().then(function (py) {
        if (chars.some(function (c) { return !py[c]; })) return null;
        var spans = [];
        function at(i, len) {
          if (i >= chars.length) return spans;
          if (len < 2) return null;
          var span = chars.slice(i, i + len);
          var keys = spellings(span.map(function (c) { return py[c]; }));
          var letters = unique(keys.map(function (k) { return k[0]; }));
          return Promise.all(letters.map(pinyinLines)).then(function (files) {
            var words = [];
            [].concat.apply([], files).forEach(function (l) {
              if (keys.indexOf(l.syllables) < 0) return;
              l.words.forEach(function (w) {
                var fits = w.length === len && (len > 2 || span.some(function (c) { return w.indexOf(c) >= 0; }));
                if (fits && words.indexOf(w) < 0) words.push(w);
              });
            });
            if (!words.length) return at(i, len - 1);
            spans.push({ text: span.join(""), words: words });
            return at(i + len, chars.length - i - len);
          });
        }
        return at(0, chars.length);
      });
    }

    // A run's groups; with bySound, a CJK run not read whole as words is read by its sound
    // (河长值: 河长制) when every character of it can be, else each word no page holds is.
    function parseRun(run, bySound) {
      if (LATIN.test(run) && run.length >= 2) {
        // a Latin word the texts hold (gdp, csv, an id) is matched as it is, else as pinyin
        return shard(keyOf(run)).then(function (sh) {
          var held = sh.rows.some(function (r) { return r[0].lastIndexOf(run, 0) === 0; });
          if (held) return segment(run);
          return pinyinGroups(run).then(function (groups) { return groups || segment(run); });
        });
      }
      return segment(run).then(function (groups) {
        if (!bySound || !unreadWords(run, groups) || run.length < SOUND_FROM) return groups;
        return bySoundGroups(run).then(function (read) {
          if (read) return read;
          return Promise.all(groups.map(function (g) {
            if (!unknownWord(g) || g.text.length < SOUND_FROM) return [g];
            return bySoundGroups(g.text).then(function (r) { return r || [g]; });
          })).then(function (lists) { return [].concat.apply([], lists); });
        });
      });
    }

    function bySoundGroups(text) {
      return soundSpans(text).then(function (spans) {
        if (!spans) return null;
        return Promise.all(spans.map(function (s) { return wordsGroup(s.text, s.words, s.words, "读音"); }));
      });
    }

    function unknownWord(g) { return !g.rows.length && CJK_WORD.test(g.text); }

    function parseText(text, bySound) {
      var runs = text.match(RUN) || [];
      return Promise.all(runs.map(function (run) {
        return parseRun(run, bySound).then(function (groups) { return { run: run, groups: groups }; });
      })).then(function (read) {
        return [].concat.apply([], read.map(function (r) { return r.groups; }));
      });
    }

    // Latin words typed a syllable each (she bao ka) joined where together they are a word's
    // pinyin (shebaoka); words of several syllables (chuangye daikuan) stay words.
    function joinSyllables(q) {
      var words = q.split(/\s+/), latin = words.filter(function (w) { return LATIN.test(w); });
      if (latin.length < 2) return Promise.resolve(q);
      var letters = unique(latin.map(function (w) { return w[0]; }));
      return Promise.all(letters.map(pinyinLines)).then(function (files) {
        function said(syllables) {
          return files[letters.indexOf(syllables[0])].some(function (l) { return l.syllables === syllables; });
        }
        var out = [];
        for (var i = 0; i < words.length;) {
          var n = 1;
          for (var j = i + 1; LATIN.test(words[i]) && j < words.length && LATIN.test(words[j]); j++) {
            if (said(words.slice(i, j + 1).join("'"))) n = j - i + 1;
          }
          out.push(words.slice(i, i + n).join(""));
          i += n;
        }
        return out.join(" ");
      });
    }

    // ``text``: the query (its traditional characters read as simplified by kb-search.js);
    // ``typed``: as typed, so that the words read from its traditional characters say so.
    function parse(text, typed) {
      return joinSyllables(text.trim()).then(function (q) {
        return parseText(q, true).then(function (groups) {
          groups.forEach(function (g) { if (g.rows.length && typed.indexOf(g.text) < 0) g.via = g.via || "字形"; });
          return groups;
        });
      });
    }

    // How words no page holds were read, before the line above the results: 按读音匹配：移风易俗；
    function readAs(groups) {
      var byVia = {}, order = [];
      groups.forEach(function (g) {
        if (!g.via || !g.rows.length) return;
        if (!byVia[g.via]) { byVia[g.via] = []; order.push(g.via); }
        var words = g.via === "字形" ? [g.text] : (g.exact && g.exact.length ? g.exact : g.shown).slice(0, 3);
        words.forEach(function (w) { if (byVia[g.via].indexOf(w) < 0) byVia[g.via].push(w); });
      });
      return order.map(function (v) { return "按" + v + "匹配：" + byVia[v].join("、") + "；"; }).join("");
    }

    return { parse: parse, readAs: readAs };
  };
})();
