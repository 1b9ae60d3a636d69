// Charts on staff pages, drawn by the vendored ECharts with its SVG renderer and aria on.
// Each chart's data is in a <script type="application/json"> block named by the container's
// data-chart attribute; the table next to it holds the same figures, so without this file
// (or without ECharts) the page loses nothing but the picture.
(function () {
  "use strict";
  if (!window.echarts) return;

  var INK = "#0b0c0c";        // text: 19.5:1 on white
  var LINE = "#6f777b";       // axes: 4.6:1 on white
  var GRID = "#d8dadb";
  // Series colours, each at least 3:1 against white (WCAG 1.4.11); the decal patterns
  // (aria.decal) and the legend's words tell them apart without colour.
  var COLOURS = ["#6f777b", "#0b3d6b", "#00703c", "#b10e1e"];
  var FONT = 14;

  function axisText() {
    return { color: INK, fontSize: FONT };
  }

  function option(spec, label) {
    var english = (document.documentElement.lang || "").indexOf("en") === 0;
    var several = spec.series.length > 1;
    var common = {
      animation: false,
      color: spec.series.length === 1 ? [COLOURS[1]] : COLOURS,
      textStyle: { color: INK, fontSize: FONT },
      aria: { enabled: true, label: { description: label }, decal: { show: several } },
      legend: several
        ? { top: 0, selectedMode: false, textStyle: { color: INK, fontSize: FONT } }
        : { show: false },
      grid: { left: 8, right: 48, top: several ? 36 : 12, bottom: 8, containLabel: true },
      series: spec.series.map(function (s) {
        return {
          name: s.name,
          type: spec.kind === "line" ? "line" : "bar",
          data: s.data,
          label: spec.kind === "line" ? { show: false } : {
            show: true, position: "right", color: INK, fontSize: FONT
          },
          symbolSize: 6,
          barMaxWidth: 28
        };
      })
    };
    var categoryAxis = {
      type: "category",
      data: spec.categories,
      axisLabel: axisText(),
      axisLine: { lineStyle: { color: LINE } },
      axisTick: { lineStyle: { color: LINE } }
    };
    var valueAxis = {
      type: "value",
      minInterval: 1,
      axisLabel: axisText(),
      splitLine: { lineStyle: { color: GRID } }
    };
    if (spec.kind === "line") {
      // Room for the first and last dates, which are centred on the chart's edges.
      common.grid.left = 28;
      common.grid.right = 28;
      categoryAxis.boundaryGap = false;
      common.xAxis = categoryAxis;
      common.yAxis = valueAxis;
    } else {
      // Horizontal bars: long names stay readable on a narrow phone; first item on top.
      categoryAxis.inverse = true;
      categoryAxis.axisLabel.width = english ? 120 : 90;
      categoryAxis.axisLabel.overflow = "break";
      common.xAxis = valueAxis;
      common.yAxis = categoryAxis;
    }
    return common;
  }

  var drawn = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    el.hidden = false;
    var english = (document.documentElement.lang || "").indexOf("en") === 0;
    var chart = window.echarts.init(el, null, { renderer: "svg", locale: english ? "EN" : "ZH" });
    chart.setOption(option(spec, el.getAttribute("aria-label") || spec.label));
    drawn.push(chart);
  });

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      drawn.forEach(function (chart) { chart.resize(); });
    }, 150);
  });
})();
