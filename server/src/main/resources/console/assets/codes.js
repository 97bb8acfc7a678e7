'use strict';
// The charts of a code's page, drawn with ECharts from the numbers the page carries in data-figures (the same
// numbers as the tables beside them). Values reach ECharts as data, never as markup.
(function () {
  if (!window.echarts) {
    return;
  }
  const ACCENT = '#0a58ca';
  const GRANT = '#1a7f37';
  const dayLabel = iso => new Date(iso).toLocaleDateString(undefined, {month: 'short', day: 'numeric', timeZone: 'UTC'});

  const options = {
    days: f => ({
      legend: {}, tooltip: {trigger: 'axis'},
      xAxis: {type: 'category', data: f.map(d => dayLabel(d.start))}, yAxis: {type: 'value', minInterval: 1},
      series: [{name: 'Scans', type: 'bar', color: ACCENT, data: f.map(d => d.total)},
        {name: 'Redirected', type: 'line', color: GRANT, data: f.map(d => d.redirected)}]
    }),
    counts: f => ({
      tooltip: {}, xAxis: {type: 'value', minInterval: 1},
      yAxis: {type: 'category', inverse: true, data: Object.keys(f)},
      series: [{name: 'Scans', type: 'bar', color: ACCENT, data: Object.values(f)}]
    })
  };

  const charts = [];
  document.querySelectorAll('[data-chart]').forEach(element => {
    const build = options[element.dataset.chart];
    if (!build) {
      return;
    }
    const chart = window.echarts.init(element, null, {renderer: 'canvas'});
    chart.setOption(Object.assign({animation: false, grid: {containLabel: true, left: 8, right: 16}},
      build(JSON.parse(element.dataset.figures))));
    element.dataset.drawn = 'true';
    charts.push(chart);
  });
  window.addEventListener('resize', () => charts.forEach(chart => chart.resize()));
})();
