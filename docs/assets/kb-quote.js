/* Quote links reach their sentence by a plain #anchor (no script needed; the sentence is
   styled by :target). Where the browser follows text fragments, each link also asks it to
   highlight the quoted words themselves: "#s-…:~:text=…". Browsers without them keep the
   plain anchor, which they would otherwise not find. */
(function () {
  "use strict";
  if (!("fragmentDirective" in document)) return;
  function part(text) {
    return encodeURIComponent(text).replace(/-/g, "%2D");
  }
  var links = document.querySelectorAll("a.kb-quote__at");
  for (var i = 0; i < links.length; i++) {
    var a = links[i];
    var quoted = a.parentNode.querySelector(".kb-quote__text");
    var href = a.getAttribute("href");
    if (!quoted || href.indexOf("#s-") < 0) continue;
    // a quote over several lines of its source spans paragraphs of the page: its first and
    // last words then bound the highlight
    var words = (quoted.innerText || quoted.textContent).replace(/\s+/g, " ").trim().split(" ");
    var directive = words.length > 1 ? part(words[0]) + "," + part(words[words.length - 1]) : part(words[0]);
    a.setAttribute("href", href + ":~:text=" + directive);
  }
})();
