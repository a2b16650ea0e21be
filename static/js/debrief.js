/* Draws the customer's mood over the conversation; the table beside it carries the same data. */
(function () {
  "use strict";
  var data = document.getElementById("mood-data");
  var canvas = document.getElementById("mood-chart");
  if (!data || !canvas || !window.Chart) return;
  var points = JSON.parse(data.textContent);
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: points.map(function (p) { return "#" + p.seq; }),
      datasets: [{ label: canvas.getAttribute("aria-label"), data: points.map(function (p) { return p.mood; }),
                   borderColor: "#0b5cad", backgroundColor: "rgba(11,92,173,.15)", fill: true, tension: 0.25 }],
    },
    options: { animation: false, scales: { y: { min: 0, max: 100 } }, plugins: { legend: { display: false } } },
  });
})();
