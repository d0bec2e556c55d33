/* The list of cases keeps itself up to date: every few seconds it asks the desk for the list as
   it is now (the same filter), adds new cases at the top, redraws changed ones, and tells
   screen readers politely that new cases arrived (the aria-live region). The page works
   without this script: its button updates the list. Items arrive as HTML drawn by the server's
   template, where every text is escaped; the sentence read out is set as text. */
(function () {
  "use strict";
  var list = document.getElementById("sager");
  if (!list || !window.fetch || !window.JSON) { return; }
  var live = document.getElementById("nye-sager");
  var count = document.getElementById("antal");
  var none = document.getElementById("ingen");
  var hint = document.getElementById("selv");
  var poll = list.getAttribute("data-poll");
  var every = (parseInt(list.getAttribute("data-every"), 10) || 5) * 1000;
  var last = parseInt(list.getAttribute("data-last"), 10) || 0;
  var stopped = false;

  function element(html) {
    var holder = document.createElement("ul");
    holder.innerHTML = html.trim();
    return holder.firstElementChild;
  }

  function holdsFocus(item) {
    return item.contains(document.activeElement);
  }

  function draw(data) {
    var wanted = {};
    var previous = null;
    (data.items || []).forEach(function (item) {
      var id = String(item.id);
      wanted[id] = true;
      var shown = list.querySelector('li[data-id="' + id + '"]');
      var fresh = element(item.html);
      if (shown && shown.outerHTML !== fresh.outerHTML && !holdsFocus(shown)) {
        list.replaceChild(fresh, shown);
        shown = fresh;
      } else if (!shown) {
        list.insertBefore(fresh, previous ? previous.nextSibling : list.firstChild);
        shown = fresh;
      }
      previous = shown;
    });
    Array.prototype.slice.call(list.children).forEach(function (item) {
      if (!wanted[item.getAttribute("data-id")] && !holdsFocus(item)) {
        list.removeChild(item);
      }
    });
    if (data.count) { count.textContent = data.count; }
    none.hidden = list.children.length > 0;
    if (data.last > last) { last = data.last; }
    if (data.announce) { live.textContent = data.announce; }
  }

  function ask() {
    if (stopped) { return; }
    var url = poll + (poll.indexOf("?") < 0 ? "?" : "&") + "efter=" + last;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        // Signed out or the session over: the answer is the sign-in page; stop asking.
        var json = (response.headers.get("content-type") || "").indexOf("json") >= 0;
        if (!response.ok || response.redirected || !json) { stopped = true; return null; }
        return response.json();
      })
      .then(function (data) { if (data) { draw(data); } })
      .catch(function () { /* the server is away for a moment: ask again next time */ })
      .then(function () { if (!stopped) { window.setTimeout(ask, every); } });
  }

  if (hint) { hint.hidden = false; }
  window.setTimeout(ask, every);
})();
