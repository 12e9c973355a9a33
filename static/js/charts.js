// Draws the reports' charts with the vendored Chart.js. Each <canvas data-chart="ID"> reads its
// specification from <script type="application/json" id="ID"> (Django's json_script), so the
// pages carry no inline JavaScript. Every chart has a table with the same numbers beside it:
// without this file, or when printing, nothing is lost.
(function () {
  "use strict";

  var PALETTE = ["#1f6f43", "#0b5cad", "#b5651d", "#7b3fa0", "#a3261c", "#2f7f86"];
  var MUTED = "#9e9e9e";
  var charts = [];

  // Chart.js writes the axes' and tooltips' numbers with Intl.NumberFormat in this locale:
  // Vietnamese in every language, as the tables beside the charts (ntm_portal/numbers.py).
  var NUMBER_LOCALE = "vi";

  function axisTitle(text) {
    return text ? { display: true, text: text } : { display: false };
  }

  function dataset(spec, series, index) {
    var colour = PALETTE[index % PALETTE.length];
    var ds = { label: series.label, data: series.data, borderColor: colour, backgroundColor: colour };
    if (series.mutedLast) {
      ds.backgroundColor = series.data.map(function (_value, i) {
        return i === series.data.length - 1 ? MUTED : colour;
      });
    }
    if (spec.kind === "line") {
      ds.yAxisID = series.axis || "y";
      ds.borderWidth = 2;
      ds.pointRadius = 3;
      ds.spanGaps = true;
      if (series.dashed) ds.borderDash = [6, 4];
    }
    return ds;
  }

  // A long category name (a criterion) in at most MAX_LINES lines of about half the chart's
  // width; what does not fit ends in "…" and the tooltip names it in full. Chart.js cut it instead.
  var MAX_LINES = 2;
  var CHAR_WIDTH = 6.5; // px, an average character at the axis' 12px font

  function wrapped(text, maxChars) {
    var lines = [];
    String(text).split(/\s+/).forEach(function (word) {
      var last = lines.length ? lines[lines.length - 1] : null;
      if (last !== null && (last + " " + word).length <= maxChars) lines[lines.length - 1] = last + " " + word;
      else lines.push(word);
    });
    if (lines.length <= MAX_LINES) return lines;
    lines = lines.slice(0, MAX_LINES);
    var end = lines[MAX_LINES - 1];
    while (end.length + 1 > maxChars && end.indexOf(" ") > 0) end = end.replace(/\s+\S+$/, "");
    lines[MAX_LINES - 1] = end + "…";
    return lines;
  }

  function categoryTick(value) {
    var maxChars = Math.max(12, Math.floor((this.chart.width * 0.5) / CHAR_WIDTH));
    return wrapped(this.getLabelForValue(value), maxChars);
  }

  function scales(spec) {
    var axes = spec.axes || {};
    var count = { beginAtZero: true, ticks: { precision: 0 } };
    if (spec.kind === "hbar") {
      return {
        x: Object.assign({ title: axisTitle(axes.x) }, count),
        y: { ticks: { autoSkip: false, callback: categoryTick } }
      };
    }
    var result = {
      x: { title: axisTitle(axes.x) },
      y: Object.assign({ title: axisTitle(axes.y) }, count)
    };
    if (axes.y1) {
      result.y1 = {
        position: "right",
        beginAtZero: true,
        title: axisTitle(axes.y1),
        grid: { drawOnChartArea: false }
      };
    }
    return result;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || typeof window.Chart === "undefined") return;
    var spec = JSON.parse(source.textContent);
    var datasets = spec.series.map(function (series, i) { return dataset(spec, series, i); });
    charts.push(new window.Chart(canvas, {
      type: spec.kind === "line" ? "line" : "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        locale: NUMBER_LOCALE,
        indexAxis: spec.kind === "hbar" ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: scales(spec),
        plugins: {
          legend: { display: datasets.length > 1, position: "bottom" },
          // The full category name (a criterion's may be shortened on its axis).
          tooltip: { callbacks: { title: function (items) { return items.length ? spec.labels[items[0].dataIndex] : ""; } } }
        }
      }
    }));
  }

  Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), draw);

  // The print layout is narrower than the screen: redraw to fit, and back afterwards.
  function resizeAll() {
    charts.forEach(function (chart) { chart.resize(); });
  }
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
})();
