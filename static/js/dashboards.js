// ECharts for the dashboards. Lights use colour *and* a pattern-free label so the charts
// also read in print and for colour-blind users (the tables carry the words).
window.PortalCharts = (function () {
  "use strict";
  const COLORS = { green: "#2f9e44", yellow: "#f59f00", red: "#e03131", grey: "#adb5bd" };
  // The words are the server's (reports.metrics.LIGHT_LABELS), given to the page as JSON.
  const labels = document.getElementById("light-labels");
  const NAMES = labels ? JSON.parse(labels.textContent) : { green: "green", yellow: "yellow", red: "red", grey: "grey" };
  const keys = ["green", "yellow", "red", "grey"];
  // The charts' other words, also the server's (templates/reports/_chart_words.html).
  const wordsEl = document.getElementById("chart-words");
  const W = Object.assign({ noData: "无数据", behind: "< 90%（落后）", onPace: "≥ 100%（达到序时）", actual: "实际（累计/当前）",
    pace: "时序进度线", target: "目标", completion: "完成率", progress: "时序进度" }, wordsEl ? JSON.parse(wordsEl.textContent) : {});
  function init(id) {
    const el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    const chart = echarts.init(el, null, { renderer: "svg" });
    window.addEventListener("resize", () => chart.resize());
    return chart;
  }
  return {
    sections(id, rows) {
      const chart = init(id); if (!chart) return;
      chart.setOption({
        animation: false, tooltip: { trigger: "axis" }, legend: { top: 0 },
        grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: rows.map(r => r[0]), axisLabel: { width: 140, overflow: "truncate" } },
        series: keys.map((k, i) => ({ name: NAMES[k], type: "bar", stack: "all", itemStyle: { color: COLORS[k] },
          label: { show: true, formatter: p => p.value ? p.value : "" }, data: rows.map(r => r[1][i]) })),
      });
    },
    heat(id, data) {
      const chart = init(id); if (!chart) return;
      chart.setOption({
        animation: false,
        tooltip: { formatter: p => data.units[p.value[1]] + "<br>" + data.indicators[p.value[0]] + ": " + (p.value[2] === null ? W.noData : p.value[2] + "%") },
        grid: { left: 8, right: 8, top: 8, bottom: 60, containLabel: true },
        xAxis: { type: "category", data: data.indicators, axisLabel: { rotate: 40, width: 90, overflow: "truncate", fontSize: 10 } },
        yAxis: { type: "category", data: data.units, inverse: true, axisLabel: { fontSize: 11 } },
        visualMap: { type: "piecewise", orient: "horizontal", left: "center", bottom: 0, dimension: 2,
          pieces: [{ lt: 90, label: W.behind, color: COLORS.red }, { gte: 90, lt: 100, label: "90%–100%", color: COLORS.yellow },
                   { gte: 100, label: W.onPace, color: COLORS.green }] },
        series: [{ type: "heatmap", data: data.cells.filter(c => c[2] !== null), label: { show: data.units.length <= 12, fontSize: 9, formatter: p => Math.round(p.value[2]) } }],
      });
    },
    line(id, rows, unit) {
      const chart = init(id); if (!chart) return;
      chart.setOption({
        animation: false, tooltip: { trigger: "axis" }, legend: { top: 0 },
        grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: rows.map(r => r.month) },
        yAxis: { type: "value", name: unit },
        series: [
          { name: W.actual, type: "line", data: rows.map(r => r.actual), symbolSize: 6, lineStyle: { width: 3 } },
          { name: W.pace, type: "line", data: rows.map(r => r.pace), lineStyle: { type: "dashed" }, symbol: "none" },
          { name: W.target, type: "line", data: rows.map(r => r.target), lineStyle: { type: "dotted", color: "#e03131" }, symbol: "none" },
        ],
      });
    },
    bars(id, rows) {
      const chart = init(id); if (!chart) return;
      chart.setOption({
        animation: false, tooltip: { trigger: "axis" }, legend: { top: 0 },
        grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
        xAxis: { type: "value", axisLabel: { formatter: "{value}%", hideOverlap: true } },
        // The city · indicator labels take up to a third of the chart: whole on a desktop, cut on a phone.
        yAxis: { type: "category", inverse: true, data: rows.map(r => r.name),
                 axisLabel: { width: Math.max(100, Math.min(300, document.getElementById(id).clientWidth * 0.33)), overflow: "truncate" } },
        series: [{ name: W.completion, type: "bar", data: rows.map(r => r.c) }, { name: W.progress, type: "bar", data: rows.map(r => r.p) }],
      });
    },
  };
})();
