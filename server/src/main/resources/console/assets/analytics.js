'use strict';
// The Analytics charts, drawn with ECharts from the numbers the page carries in data-figures (the same numbers as
// the tables beside them). Values reach ECharts as data, never as markup.
(function () {
  if (!window.echarts) {
    return;
  }
  const GRANT = '#1a7f37';
  const DENY = '#b42318';
  const ACCENT = '#0a58ca';
  const hourLabel = iso => new Date(iso).toLocaleString(undefined, {month: 'short', day: 'numeric', hour: '2-digit'});

  const options = {
    decisions: f => ({
      legend: {}, tooltip: {trigger: 'axis'},
      xAxis: {type: 'category', data: f.hours.map(h => hourLabel(h.hour))}, yAxis: {type: 'value'},
      series: [{name: 'Grants', type: 'bar', stack: 'd', color: GRANT, data: f.hours.map(h => h.grants)},
        {name: 'Denies', type: 'bar', stack: 'd', color: DENY, data: f.hours.map(h => h.denies)}]
    }),
    reasons: f => ({
      tooltip: {}, xAxis: {type: 'value'},
      yAxis: {type: 'category', inverse: true, data: f.reasons.map(r => r.reason || '(none)')},
      series: [{name: 'Denies', type: 'bar', color: DENY, data: f.reasons.map(r => r.count)}]
    }),
    doors: f => ({
      legend: {}, tooltip: {trigger: 'axis'}, xAxis: {type: 'value'},
      yAxis: {type: 'category', inverse: true, data: f.doors.map(d => d.doorId)},
      series: [{name: 'Denies', type: 'bar', color: DENY, data: f.doors.map(d => d.denies)},
        {name: 'Grants', type: 'bar', color: GRANT, data: f.doors.map(d => d.grants)}]
    }),
    devices: f => ({
      tooltip: {}, xAxis: {type: 'category', data: f.devices.map(d => d.kind + ' / ' + d.trust)}, yAxis: {type: 'value'},
      series: [{name: 'Devices', type: 'bar', color: ACCENT, data: f.devices.map(d => d.count)}]
    }),
    totp: f => ({
      legend: {}, tooltip: {trigger: 'axis'},
      xAxis: {type: 'category', data: f.hours.map(h => hourLabel(h.hour))}, yAxis: {type: 'value', minInterval: 1},
      series: [{name: 'Wrong codes', type: 'line', color: ACCENT, data: f.hours.map(h => h.failures)},
        {name: 'Lockouts', type: 'line', color: DENY, data: f.hours.map(h => h.lockouts)}]
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
