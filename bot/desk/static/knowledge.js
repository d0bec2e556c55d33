// The desk's knowledge pages: after a post, take the focus to what it answered (the list of
// problems, a refusal, or the bot's answer to a question tried), so a screen reader reads it
// and the keyboard starts there. Everything works without this script.
(function () {
  "use strict";
  function ready() {
    var target = document.getElementById("problemer") ||
      document.getElementById("afvist") || document.getElementById("svar");
    if (target) {
      target.focus();
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
