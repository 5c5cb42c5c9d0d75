// Zone diagnostic: a Sankey chart of the flows between organisations, drawn by the
// vendored ECharts with its SVG renderer (no network, no inline script or style:
// the CSP allows neither). One chart at a time: kind of flow and unit are chosen
// in #zone-sankey-select; amounts in different units are never drawn together.
//
// Reads:
//   #zone-sankey-data    <script type="application/json">: a list of charts, each
//                        {key, label, unit, unit_label, nodes: [{id, name, side}],
//                         links: [{source, target, value, materials: [{label, value}]}]}
//   #zone-sankey         the chart's box; data-per-year ("%(q)s %(unit)s per year")
//                        and data-error-message
//   #zone-sankey-select  the chart to show (its option values are chart keys)
// Writes on #zone-sankey: data-rendered="true", data-chart (key), data-links (count)
// once drawn, or data-rendered="error".
(function () {
  "use strict";

  const box = document.getElementById("zone-sankey");
  const source = document.getElementById("zone-sankey-data");
  if (!box || !source) {
    return;
  }
  const select = document.getElementById("zone-sankey-select");
  const lang = document.documentElement.lang || "fr";
  const numbers = new Intl.NumberFormat(lang, { maximumFractionDigits: 3 });

  // Dark enough against white for graphical objects (3:1 and more).
  const PALETTE = ["#1f5f3f", "#1a5a9c", "#8a3b12", "#6f42c1", "#7a4b00", "#0b6e75",
    "#9b1c1c", "#3d5a80", "#5c6b2f", "#a0306b"];
  const GREY = "#5f666d"; // outside the zone, anonymous organisations

  function fail() {
    box.dataset.rendered = "error";
    box.classList.add("zone-sankey--error");
    box.removeAttribute("role");
    box.textContent = box.dataset.errorMessage || "The diagram could not be drawn.";
  }

  let charts;
  try {
    charts = JSON.parse(source.textContent);
  } catch (err) {
    fail();
    return;
  }
  if (typeof window.echarts === "undefined" || !Array.isArray(charts) || !charts.length) {
    fail();
    return;
  }

  function escapeHtml(value) {
    return String(value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function perYear(value, unitLabel) {
    const template = box.dataset.perYear || "%(q)s %(unit)s per year";
    return template.split("%(q)s").join(numbers.format(value)).split("%(unit)s").join(unitLabel);
  }

  // One colour per organisation, the same on both sides ("s:org:12", "r:org:12").
  const colours = {};
  function colourOf(node) {
    const who = String(node.id).slice(2);
    if (who === "outside" || who === "anonymous") {
      return GREY;
    }
    if (!(who in colours)) {
      colours[who] = PALETTE[Object.keys(colours).length % PALETTE.length];
    }
    return colours[who];
  }

  const chart = window.echarts.init(box, null, { renderer: "svg" });
  let current = null;

  function tooltip(params, data) {
    // Built from escaped text only: ECharts puts the string in as HTML.
    const unit = data.unit_label;
    if (params.dataType === "edge") {
      const link = params.data;
      const names = {};
      data.nodes.forEach(function (n) { names[n.id] = n.name; });
      const lines = (link.materials || []).map(function (m) {
        return escapeHtml(m.label) + ": " + escapeHtml(perYear(m.value, unit));
      });
      return "<strong>" + escapeHtml(names[link.source]) + " → " +
        escapeHtml(names[link.target]) + "</strong><br>" +
        escapeHtml(perYear(link.value, unit)) +
        (lines.length ? "<br>" + lines.join("<br>") : "");
    }
    return "<strong>" + escapeHtml(params.data.name) + "</strong><br>" +
      escapeHtml(perYear(params.value, unit));
  }

  function draw(key) {
    const data = charts.find(function (c) { return c.key === key; }) || charts[0];
    current = data;
    const perSide = Math.max(
      data.nodes.filter(function (n) { return n.side === "s"; }).length,
      data.nodes.filter(function (n) { return n.side === "r"; }).length
    );
    box.style.height = Math.max(320, Math.min(1400, perSide * 34 + 60)) + "px";
    box.setAttribute("aria-label", data.label);
    box.dataset.rendered = "false";
    chart.resize();
    chart.setOption({
      animationDuration: 300,
      tooltip: {
        trigger: "item",
        confine: true,
        className: "zone-sankey-tooltip",
        textStyle: { color: "#212529", fontSize: 14 },
        formatter: function (params) { return tooltip(params, data); }
      },
      series: [{
        type: "sankey",
        left: 8,
        right: 8,
        top: 12,
        bottom: 12,
        nodeWidth: 14,
        nodeGap: 12,
        nodeAlign: "justify",
        layoutIterations: 32,
        draggable: false,
        emphasis: { focus: "adjacency" },
        data: data.nodes.map(function (node) {
          return {
            id: node.id,
            name: node.name,
            itemStyle: { color: colourOf(node) },
            label: { position: node.side === "s" ? "right" : "left" }
          };
        }),
        links: data.links.map(function (link) {
          return {
            source: link.source, target: link.target, value: link.value,
            materials: link.materials
          };
        }),
        // Nodes are keyed by id ("s:org:12"); show their names.
        label: {
          color: "#212529",
          fontSize: 12,
          formatter: function (params) { return params.data.name; }
        },
        lineStyle: { color: "source", opacity: 0.35, curveness: 0.5 }
      }]
    }, { notMerge: true });
  }

  chart.on("finished", function () {
    if (!current) {
      return;
    }
    box.dataset.chart = current.key;
    box.dataset.links = String(current.links.length);
    box.dataset.rendered = "true";
  });

  if (select) {
    select.addEventListener("change", function () { draw(select.value); });
  }
  window.addEventListener("resize", function () { chart.resize(); });
  try {
    draw(select ? select.value : charts[0].key);
  } catch (err) {
    window.console && console.warn("zone sankey: not drawn", err);
    chart.dispose();
    fail();
  }
})();
