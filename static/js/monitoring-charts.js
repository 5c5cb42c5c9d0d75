// Monitoring dashboard: charts (ECharts, SVG renderer) and the map of exchanges between
// zones (Leaflet on the offline commune outlines). No inline script or style: the CSP
// allows neither. Every chart has a data table next to it on the page.
//
// Reads:
//   #monitoring-data    <script type="application/json">: {monthly: {months, listings,
//                       matches, agreements, delivered_t}, funnel: [{step, count}],
//                       by_zone: [{name, agreements, delivered_t}], by_material: [{label,
//                       agreements, delivered_t}], sankey: {measure, nodes: [{id, label,
//                       role}], links: [{source, target, value}]}, zone_pairs: [{from, to,
//                       agreements, delivered_t}]}
//   #monitoring-labels  data-* series names
// Writes data-rendered="true" on each chart box (and on #monitoring-map) once drawn.
(function () {
  "use strict";

  const source = document.getElementById("monitoring-data");
  if (!source) {
    return;
  }
  const data = JSON.parse(source.textContent);
  const names = (document.getElementById("monitoring-labels") || { dataset: {} }).dataset;
  const lang = document.documentElement.lang || "fr";
  const numbers = new Intl.NumberFormat(lang, { maximumFractionDigits: 3 });
  // Dark enough against white for graphical objects (3:1 and more).
  const PALETTE = ["#1f5f3f", "#1a5a9c", "#8a3b12", "#6f42c1", "#7a4b00", "#0b6e75",
    "#9b1c1c", "#3d5a80", "#5c6b2f", "#a0306b"];
  const TEXT = { color: "#212529", fontSize: 12 };
  // Axis figures in the page's language ("0,5", "1 200"); counts in whole steps.
  const FIGURES = Object.assign({ formatter: function (v) { return numbers.format(v); } }, TEXT);
  const months = new Intl.DateTimeFormat(lang, { month: "short", year: "numeric", timeZone: "UTC" });
  function monthName(key) {  // "2025-11" → "nov. 2025"
    const parts = key.split("-");
    return months.format(new Date(Date.UTC(Number(parts[0]), Number(parts[1]) - 1, 1)));
  }
  function counts(name) {
    return { type: "value", name: name, minInterval: 1, axisLabel: FIGURES };
  }
  function tonnes() {
    return { type: "value", name: "t", axisLabel: FIGURES };
  }
  function anyTonnes(values) {
    return values.some(function (v) { return v; });
  }

  function draw(id, option, empty) {
    const box = document.getElementById(id);
    if (!box || typeof window.echarts === "undefined") {
      return null;
    }
    if (empty) {
      box.classList.add("monitoring-chart--empty");
      box.removeAttribute("role");
      box.textContent = names.empty || "";
      box.dataset.rendered = "empty";
      return null;
    }
    const chart = window.echarts.init(box, null, { renderer: "svg" });
    chart.on("finished", function () { box.dataset.rendered = "true"; });
    chart.setOption(Object.assign({
      color: PALETTE,
      textStyle: TEXT,
      animationDuration: 300,
      tooltip: { trigger: "axis", confine: true, valueFormatter: function (v) { return numbers.format(v); } },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true }
    }, option));
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  const m = data.monthly;
  // The tonnes' axis and bars only when some were delivered.
  const monthlyTonnes = anyTonnes(m.delivered_t);
  draw("chart-monthly", {
    legend: { top: 0, textStyle: TEXT },
    xAxis: { type: "category", data: m.months.map(monthName), axisLabel: TEXT },
    yAxis: monthlyTonnes ? [counts(names.count), tonnes()] : [counts(names.count)],
    series: [
      { name: names.listings, type: "line", data: m.listings, symbol: "circle" },
      { name: names.matches, type: "line", data: m.matches, symbol: "rect" },
      { name: names.agreements, type: "line", data: m.agreements, symbol: "triangle" }
    ].concat(monthlyTonnes ?
      [{ name: names.tonnes, type: "bar", yAxisIndex: 1, data: m.delivered_t, barMaxWidth: 18 }] : [])
  }, !m.months.length);

  // The steps as bars, each with its count: a funnel's shape clipped the
  // labels of its narrow steps, and matches can outnumber the listings.
  draw("chart-funnel", {
    tooltip: { trigger: "item", confine: true, valueFormatter: function (v) { return numbers.format(v); } },
    grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1, axisLabel: FIGURES },
    yAxis: { type: "category", inverse: true, data: data.funnel.map(function (s) { return s.step; }),
      axisLabel: Object.assign({ width: 180, overflow: "break" }, TEXT) },
    series: [{
      type: "bar", barMaxWidth: 28, itemStyle: { color: PALETTE[0] },
      label: { show: true, position: "right", color: TEXT.color, formatter: function (p) { return numbers.format(p.value); } },
      data: data.funnel.map(function (s) { return s.count; })
    }]
  }, !data.funnel.some(function (s) { return s.count; }));

  // Bars of agreements (bottom axis) and, when some were delivered, tonnes (top
  // axis); each axis is named below or above its figures, in its series' colour.
  function bars(id, rows, label) {
    const box = document.getElementById(id);
    if (box && rows.length) {  // before drawing: the chart takes the box's size
      box.style.height = Math.max(240, rows.length * 44 + 90) + "px";
    }
    const delivered = rows.map(function (r) { return r.delivered_t; });
    const withTonnes = anyTonnes(delivered);
    function axis(made, colour, gap) {
      return Object.assign(made, { nameLocation: "middle", nameGap: gap,
        nameTextStyle: { color: colour, fontSize: 12 },
        axisLabel: Object.assign({}, FIGURES, { color: colour }) });
    }
    draw(id, {
      legend: { top: 0, textStyle: TEXT },
      grid: { left: 8, right: 24, top: withTonnes ? 72 : 36, bottom: 32, containLabel: true },
      xAxis: [axis(counts(names.count), PALETTE[0], 26)].concat(
        withTonnes ? [axis(tonnes(), PALETTE[1], 24)] : []),
      yAxis: { type: "category", inverse: true, data: rows.map(label), axisLabel: Object.assign({ width: 180, overflow: "truncate" }, TEXT) },
      series: [
        { name: names.agreements, type: "bar", data: rows.map(function (r) { return r.agreements; }) }
      ].concat(withTonnes ? [{ name: names.tonnes, type: "bar", xAxisIndex: 1, data: delivered }] : [])
    }, !rows.length);
  }
  bars("chart-zones", data.by_zone, function (r) { return r.name; });
  bars("chart-materials", data.by_material, function (r) { return r.label; });

  const sankey = data.sankey;
  const ROLE_COLOUR = { "supplier-sector": "#1f5f3f", "supplier-zone": "#1a5a9c",
    "receiver-zone": "#6f42c1", "receiver-sector": "#8a3b12" };
  const sankeyBox = document.getElementById("chart-sankey");
  if (sankeyBox && sankey.nodes.length) {
    sankeyBox.style.height = Math.max(360, Math.min(1200, sankey.nodes.length * 30 + 80)) + "px";
  }
  // Names sit right of their node, so each column's names get the room up to the
  // next column (at most 250 px), and the last column's the 200 px kept on the right.
  const RIGHT = 200;
  const columns = new Set(sankey.nodes.map(function (n) { return n.role; })).size;
  function sankeyLabels() {
    const between = sankeyBox && columns > 1 ?
      (sankeyBox.clientWidth - 8 - RIGHT) / (columns - 1) - 14 - 16 : 250;
    const room = Math.max(60, Math.min(250, between));
    return sankey.nodes.map(function (n) {
      const last = !sankey.links.some(function (l) { return l.source === n.id; });
      return { name: n.id, itemStyle: { color: ROLE_COLOUR[n.role] || "#5f666d" },
        label: { formatter: n.label, width: last ? RIGHT - 10 : room } };
    });
  }
  const sankeyChart = draw("chart-sankey", {
    tooltip: { trigger: "item", confine: true, valueFormatter: function (v) { return numbers.format(v); } },
    series: [{
      type: "sankey", left: 8, right: RIGHT, top: 12, bottom: 12, nodeWidth: 14, nodeGap: 22,
      draggable: false, emphasis: { focus: "adjacency" },
      data: sankeyLabels(),
      links: sankey.links,
      label: Object.assign({ overflow: "truncate" }, TEXT),
      lineStyle: { color: "source", opacity: 0.35, curveness: 0.5 }
    }]
  }, !sankey.links.length);
  if (sankeyChart) {
    window.addEventListener("resize", function () {
      sankeyChart.setOption({ series: [{ data: sankeyLabels() }] });
    });
  }

  // The map: one line per pair of zones (width by tonnes, else by exchanges), one circle
  // per zone that exchanges within itself.
  const box = document.getElementById("monitoring-map");
  if (!box || typeof window.L === "undefined") {
    return;
  }
  const L = window.L;
  const map = L.map(box, { minZoom: 7, maxZoom: 14, zoomSnap: 0.25 });
  map.fitBounds([[49.44, 5.73], [50.19, 6.53]]);
  fetch(box.dataset.outline, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (geojson) {
      if (geojson) {
        const outline = L.geoJSON(geojson, { interactive: false, style: { color: "#7a8580", weight: 0.8, fillColor: "#ffffff", fillOpacity: 0.7 } }).addTo(map);
        outline.bringToBack();
        map.fitBounds(outline.getBounds(), { animate: false });
      }
    })
    .catch(function () { /* the flows are drawn without the outline */ });
  const pairs = data.zone_pairs;
  const top = Math.max.apply(null, [1].concat(pairs.map(function (p) { return p.delivered_t || p.agreements; })));
  pairs.forEach(function (p) {
    const weight = 2 + 10 * (p.delivered_t || p.agreements) / top;
    const text = p.from.name + " → " + p.to.name + ": " + numbers.format(p.agreements) + " " +
      (box.dataset.labelAgreements || "") + ", " + numbers.format(p.delivered_t) + " " + (box.dataset.labelTonnes || "");
    let layer;
    if (p.from.zone === p.to.zone) {
      layer = L.circleMarker([p.from.lat, p.from.lon], { radius: 4 + weight, color: "#1a5a9c", weight: 2, fillOpacity: 0.4 });
    } else {
      layer = L.polyline([[p.from.lat, p.from.lon], [p.to.lat, p.to.lon]], { color: "#8a3b12", weight: weight, opacity: 0.7 });
      L.circleMarker([p.to.lat, p.to.lon], { radius: 4, color: "#8a3b12", fillOpacity: 1, interactive: false }).addTo(map);
    }
    const tip = document.createElement("span");
    tip.textContent = text;
    layer.bindTooltip(tip).addTo(map);
  });
  box.dataset.rendered = "true";
  box.dataset.pairs = String(pairs.length);
})();
