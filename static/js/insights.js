/* Charts of the manager pages, drawn from json_script data; each chart has a table with the
   same numbers next to it, so nothing here is needed to read them. */
(function () {
  "use strict";
  var PALETTE = ["#0b5cad", "#b3261e", "#1b7a3d", "#9a5b00", "#6a3fa0", "#00798c", "#c2185b",
                 "#5d4037", "#455a64", "#827717", "#283593", "#ad1457", "#2e7d32", "#ef6c00"];

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function draw(canvas, config) {
    if (!window.Chart || !canvas || canvas.dataset.drawn) return;
    canvas.dataset.drawn = "1";
    config.options = Object.assign({ animation: false, responsive: true }, config.options || {});
    new window.Chart(canvas, config);
  }

  function trends(root) {
    var chart = root.querySelector ? root.querySelector("#trend-chart") : null;
    var payload = data("trend-data");
    if (chart && payload) {
      var series = payload.series.slice().sort(function (a, b) { return (b.key ? 1 : 0) - (a.key ? 1 : 0); });
      draw(chart, {
        type: "line",
        data: {
          labels: payload.labels,
          datasets: series.map(function (s, i) {
            return { label: s.label, data: s.values, hidden: !s.key && i >= 3, spanGaps: true,
                     borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length],
                     tension: 0.2, pointRadius: 2 };
          }),
        },
        options: { scales: { y: { min: 1, max: 5 } }, plugins: { legend: { position: "bottom" } } },
      });
    }
    var ready = root.querySelector ? root.querySelector("#ready-chart") : null;
    if (ready && payload) {
      draw(ready, {
        type: "bar",
        data: { labels: payload.buckets.map(function (b) { return b.label; }),
                datasets: [{ label: ready.getAttribute("aria-label"), data: payload.buckets.map(function (b) { return b.count; }),
                             backgroundColor: "#1b7a3d" }] },
        options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
      });
    }
  }

  function histories() {
    /* A competency's chart is drawn when its section is open (a closed one has no size). */
    var payload = data("history-data");
    if (!payload) return;
    document.querySelectorAll("canvas[data-history]").forEach(function (canvas) {
      var section = canvas.closest("details");
      var item = payload[canvas.dataset.history];
      if (!item) return;
      function drawIt() {
        var datasets = [{ label: item.label, data: item.points.map(function (p) { return p.level; }),
                          borderColor: "#0b5cad", backgroundColor: "rgba(11,92,173,.12)", fill: true,
                          stepped: true, pointRadius: 3 }];
        if (item.minimum) {
          datasets.push({ label: "min", data: item.points.map(function () { return item.minimum; }),
                          borderColor: "#b3261e", borderDash: [6, 4], pointRadius: 0, fill: false });
        }
        draw(canvas, {
          type: "line",
          data: { labels: item.points.map(function (p) { return p.at; }), datasets: datasets },
          options: { maintainAspectRatio: false, scales: { y: { min: 1, max: 5 } },
                     plugins: { legend: { display: false } } },
        });
      }
      if (!section || section.open) drawIt();
      else section.addEventListener("toggle", function () { if (section.open) drawIt(); });
    });
  }

  function radar() {
    var canvas = document.getElementById("environment-radar");
    var payload = data("environment-data");
    if (!canvas || !payload) return;
    var colours = ["#0b5cad", "#9a5b00", "#1b7a3d"];
    draw(canvas, {
      type: "radar",
      data: {
        labels: payload.labels,
        datasets: payload.datasets.map(function (d, i) {
          return { label: d.label, data: d.values, borderColor: colours[i % 3],
                   backgroundColor: colours[i % 3] + "22", pointRadius: 3 };
        }),
      },
      options: { scales: { r: { min: 0, max: 5, ticks: { stepSize: 1 } } } },
    });
  }

  function openTarget() {
    /* A link to #competency-… opens that section's details, if it is one. */
    if (!location.hash) return;
    var target = document.getElementById(location.hash.slice(1));
    if (target && target.tagName === "DETAILS") target.open = true;
  }

  function init() {
    trends(document);
    histories();
    radar();
    openTarget();
  }

  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", function (event) { trends(event.target); });
})();
