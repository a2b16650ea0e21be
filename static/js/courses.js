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

  /* After htmx swaps in a lesson or a lesson block, move focus to what changed: the element
     the server marked with data-focus-after-swap (the new lesson's heading, a result, an error). */
  function focusAfterSwap() {
    var news = document.querySelector("[data-focus-after-swap]");
    if (!news) return;
    news.removeAttribute("data-focus-after-swap");
    news.focus({ preventScroll: news.hasAttribute("data-lesson-heading") });
  }

  /* htmx moved to another lesson and pushed its URL: the language switcher must send there. */
  function keepLanguageSwitchOnThisPage() {
    document.querySelectorAll(".lang-switch input[name=next]").forEach(function (input) {
      input.value = location.pathname + location.search;
    });
  }

  /* Passing the lesson's quiz completes the lesson on the server: show it without a reload. */
  function refreshLessonStatus() {
    if (!window.htmx || !document.getElementById("lesson-status")) return;
    var url = location.pathname + location.search;
    window.htmx.ajax("GET", url, { target: "#lesson-status", select: "#lesson-status", swap: "outerHTML" });
    if (document.querySelector(".lesson-outline")) {
      window.htmx.ajax("GET", url, { target: ".lesson-outline", select: ".lesson-outline", swap: "outerHTML" });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    // Marks in a page loaded whole (a form posted without htmx) are not news after a later swap.
    document.querySelectorAll("[data-focus-after-swap]").forEach(function (el) {
      el.removeAttribute("data-focus-after-swap");
    });
    if (document.querySelector("[data-heartbeat-url]")) setInterval(heartbeat, HEARTBEAT_MS);
    document.body.addEventListener("quizPassed", refreshLessonStatus);
    document.body.addEventListener("htmx:pushedIntoHistory", keepLanguageSwitchOnThisPage);
    window.addEventListener("popstate", keepLanguageSwitchOnThisPage);
    document.body.addEventListener("htmx:historyRestore", keepLanguageSwitchOnThisPage);
    document.body.addEventListener("htmx:afterSettle", function () {
      // After the other afterSettle listeners (a quiz panel inside a swapped lesson focuses its own heading).
      setTimeout(focusAfterSwap, 0);
    });
  });
})();
