/* Courses: the lesson heartbeat and focus after htmx swaps. Lessons work without this file. */
(function () {
  "use strict";

  var HEARTBEAT_MS = 30000;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  /* While a lesson is open and visible, tell the server every 30 s (time spent). */
  function heartbeat() {
    if (document.visibilityState !== "visible") return;
    var el = document.querySelector("[data-heartbeat-url]");
    if (!el) return;
    fetch(el.dataset.heartbeatUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
      keepalive: true
    }).catch(function () { /* offline: the next beat counts */ });
  }

  /* After htmx swaps a lesson or a lesson block, move focus to what changed. */
  function focusAfterSwap(event) {
    var elt = event.detail && event.detail.elt;
    if (!elt || !elt.querySelector) return;
    var news = elt.matches("[data-focus-after-swap]") ? elt : elt.querySelector("[data-focus-after-swap]");
    if (news) {
      news.focus();
      return;
    }
    if (elt.id === "lesson") {
      var heading = elt.querySelector("[data-lesson-heading]");
      if (heading) heading.focus({ preventScroll: true });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("[data-heartbeat-url]")) setInterval(heartbeat, HEARTBEAT_MS);
    document.body.addEventListener("htmx:afterSettle", focusAfterSwap);
  });
})();
