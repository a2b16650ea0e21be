// Quizzes: move focus to a quiz panel after htmx swaps it in, and count down a time limit.
// The server enforces the limit. When the countdown ends, the form holding the learner's unsent
// answers sends itself, so what they typed counts (the server takes it within a short grace).
(function () {
  "use strict";

  function pad(n) { return String(n).padStart(2, "0"); }

  function sendAtDeadline(timer) {
    var attempt = timer.closest(".attempt") || document;
    var form = attempt.querySelector("form[data-submit-at-deadline]:not([data-sent])");
    if (!form) { return; }
    form.setAttribute("data-sent", "1");
    form.noValidate = true;  // a question left blank is sent blank, not stopped by the browser
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  function startTimers(root) {
    root.querySelectorAll("[data-deadline]:not([data-ticking])").forEach(function (el) {
      var deadline = Date.parse(el.getAttribute("data-deadline"));
      if (isNaN(deadline)) { return; }
      el.setAttribute("data-ticking", "1");
      var label = el.getAttribute("data-label") || el.textContent.split(" ").slice(0, -1).join(" ");
      function tick() {
        if (!document.body.contains(el)) { return; }
        var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
        el.textContent = label + " " + Math.floor(left / 60) + ":" + pad(left % 60);
        if (left > 0) { window.setTimeout(tick, 1000); }
        else { el.classList.add("bad"); sendAtDeadline(el); }
      }
      tick();
    });
  }

  document.addEventListener("DOMContentLoaded", function () { startTimers(document); });
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.elt;
    if (!target || !target.closest) { return; }
    // Only a swap of the quiz panel itself moves focus; a whole lesson swapped by the course
    // navigation manages its own focus.
    var panel = target.closest(".quiz-panel") || (target.classList && target.classList.contains("quiz-panel") ? target : null);
    if (panel && panel.querySelector) {
      var heading = panel.querySelector("[data-focus]");
      if (heading) { heading.focus({ preventScroll: false }); }
      startTimers(panel);
    }
  });
})();
