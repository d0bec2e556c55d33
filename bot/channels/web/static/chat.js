/* The web chat without reloading the page. The page works without this script (the forms post
   and the page comes back); with it, messages are sent in the background, answers added to the
   list and read out by screen readers (the aria-live region), a staff member's answer appears
   while the page is open, and the focus stays in the text field. Messages arrive as HTML drawn
   by the server's template, where every text is escaped; texts read out are set as text. */
(function () {
  "use strict";
  var main = document.getElementById("chat");
  if (!main || !window.fetch || !window.JSON) { return; }
  var list = document.getElementById("beskeder");
  var live = document.getElementById("nyt");
  var field = document.getElementById("besked");
  var status = document.getElementById("status");
  var api = main.getAttribute("data-api");
  var token = main.getAttribute("data-token");
  var last = parseInt(main.getAttribute("data-last"), 10) || 0;
  var busy = false;

  function seen(id) {
    return list.querySelector('li[data-id="' + id + '"]') !== null;
  }

  function show(data, announce) {
    if (data.lang && data.lang !== document.documentElement.lang) {
      window.location.reload(); // the page's own words are in the other language now
      return;
    }
    var fresh = data.last >= last;
    if (fresh) {
      // Only the message whose choices are open keeps its buttons.
      var forms = list.querySelectorAll("form.choices");
      for (var i = 0; i < forms.length; i++) {
        var item = forms[i].parentNode;
        if (String(data.current) !== item.getAttribute("data-id")) {
          forms[i].parentNode.removeChild(forms[i]);
        }
      }
    }
    var said = [];
    (data.items || []).forEach(function (item) {
      if (seen(item.id)) { return; }
      list.insertAdjacentHTML("beforeend", item.html);
      if (!item.by_person) { said.push(item.text); }
      if (item.id > last) { last = item.id; }
    });
    if (data.last > last) { last = data.last; }
    var empty = main.querySelector(".empty");
    if (empty && list.children.length) { empty.parentNode.removeChild(empty); }
    if (said.length) {
      if (announce) { live.textContent = main.getAttribute("data-bot") + ": " + said.join("\n\n"); }
      var newest = list.lastElementChild;
      if (newest && newest.scrollIntoView) { newest.scrollIntoView({ block: "nearest" }); }
    }
  }

  function send(payload, fromChoice) {
    if (busy) { return; }
    busy = true;
    status.textContent = main.getAttribute("data-sending");
    payload.after = last;
    fetch(api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().then(function (data) { return { code: response.status, data: data }; });
    }).then(function (result) {
      busy = false;
      if (result.code === 403) { window.location.reload(); return; }
      var data = result.data || {};
      status.textContent = data.notice || "";
      if (!data.notice && payload.message !== undefined) { field.value = ""; }
      if (data.items) { show(data, true); }
      if (fromChoice || document.activeElement === document.body) { field.focus(); }
    }).catch(function () {
      busy = false;
      status.textContent = main.getAttribute("data-failed");
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute("data-chat-form")) { return; }
    var button = event.submitter;
    if (button && button.name === "choice") {
      event.preventDefault();
      send({ choice: button.value }, true);
    } else if (form.className.indexOf("write") >= 0) {
      event.preventDefault();
      send({ message: field.value }, false);
    }
  });

  function poll() {
    fetch(api + "?after=" + last, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      show(data, true);
      window.setTimeout(poll, 50);
    }).catch(function () {
      window.setTimeout(poll, 5000);
    });
  }
  poll();
}());
