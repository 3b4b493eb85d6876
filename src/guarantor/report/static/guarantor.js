/* guarantor: draw an assessment's map (Leaflet, no tiles) and charts (plotly.js).
 *
 * Elements ask to be drawn with data attributes: <div data-g-map="ID"> takes its map spec from
 * the JSON in <script id="ID" type="application/json">, and <div data-g-charts="ID"> its list of
 * plotly figures. After drawing, each element records what it drew (data-layers-drawn,
 * data-charts-drawn) so that tests can check it. Nothing here asks the network for anything.
 */
(function () {
  "use strict";
  var G = (window.Guarantor = window.Guarantor || {});
  G.maps = {};

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function describe(value) {
    if (typeof value === "number") {
      return Math.abs(value) >= 1000 ? Math.round(value).toLocaleString("en") : String(+value.toPrecision(4));
    }
    if (Array.isArray(value)) return value.map(describe).join(", ");
    if (value && typeof value === "object") return JSON.stringify(value);
    return String(value);
  }

  function tooltip(properties, title) {
    var rows = ["<b>" + escapeHtml(properties.name || properties.id || title) + "</b>"];
    Object.keys(properties || {}).forEach(function (key) {
      if (key === "name" || key === "style") return;
      var value = properties[key];
      if (value === null || value === undefined || value === "") return;
      rows.push(escapeHtml(key.replace(/_/g, " ")) + ": " + escapeHtml(describe(value)));
    });
    rows.push("<i>" + escapeHtml(title) + "</i>");
    return rows.join("<br>");
  }

  /* Green (low) to red (high) for a value within [low, high]. */
  function scale(value, low, high) {
    var t = high > low ? Math.min(1, Math.max(0, (value - low) / (high - low))) : 0.5;
    var stops = [[26, 152, 80], [254, 224, 139], [215, 48, 39]];
    var i = t < 0.5 ? 0 : 1;
    var u = t < 0.5 ? t * 2 : (t - 0.5) * 2;
    var c = stops[i].map(function (a, k) { return Math.round(a + (stops[i + 1][k] - a) * u); });
    return "rgb(" + c.join(",") + ")";
  }

  function valueRange(layer) {
    var values = (layer.geojson.features || [])
      .map(function (f) { return (f.properties || {})[layer.value_key]; })
      .filter(function (v) { return typeof v === "number" && isFinite(v); });
    return values.length ? [Math.min.apply(null, values), Math.max.apply(null, values)] : [0, 1];
  }

  G.drawMap = function (element, spec) {
    var base = spec.base;
    var map = L.map(element, { zoomSnap: 0.25, attributionControl: false, preferCanvas: false });
    L.geoJSON(base.sea, {
      interactive: false,
      style: { color: "#9ecae1", weight: 0.5, fillColor: "#c6dbef", fillOpacity: 1 },
    }).addTo(map);
    L.geoJSON(base.countries, {
      interactive: false,
      style: function (f) {
        var focus = f.properties.id === base.focus;
        return {
          color: focus ? "#555" : "#999", weight: focus ? 1.4 : 0.6,
          fillColor: focus ? "#fff8dc" : "#e9e5da", fillOpacity: 1,
        };
      },
    }).addTo(map);
    L.geoJSON(base.occupied, {
      interactive: false,
      style: { color: "#b2182b", weight: 0.5, fillColor: "#d6604d", fillOpacity: 0.3, dashArray: "3 3" },
    }).addTo(map);
    L.geoJSON(base.contact_line, {
      interactive: false, style: { color: "#b2182b", weight: 2.5 },
    }).addTo(map);

    var overlays = {};
    var counts = {};
    (spec.layers || []).forEach(function (layer) {
      var range = layer.value_key ? valueRange(layer) : null;
      var valueOf = function (f) {
        var v = layer.value_key ? (f.properties || {})[layer.value_key] : null;
        return typeof v === "number" && isFinite(v) ? v : null;
      };
      var colourOf = function (f) {
        var v = valueOf(f);
        if (layer.value_key) return v === null ? "#8c8c8c" : scale(v, range[0], range[1]);
        return layer.colour;
      };
      var cls = "g-feature g-layer-" + layer.id;
      var group = L.geoJSON(layer.geojson, {
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { radius: 6, className: cls });
        },
        style: function (f) {
          var colour = colourOf(f);
          var type = (f.geometry && f.geometry.type) || "";
          if (type === "Point" || type === "MultiPoint") {
            return { color: "#222", weight: 1, fillColor: colour, fillOpacity: 0.9, className: cls };
          }
          if (/Polygon/.test(type)) {
            var faint = layer.value_key ? valueOf(f) === null : true;
            return {
              color: layer.value_key ? colour : layer.colour, weight: layer.value_key ? 0.3 : 1,
              fillColor: colour, fillOpacity: faint ? 0.18 : 0.5, className: cls,
            };
          }
          return { color: colour, weight: 3, opacity: 0.9, className: cls };
        },
        onEachFeature: function (f, drawn) {
          drawn.bindTooltip(tooltip(f.properties || {}, layer.title), { sticky: true });
        },
      }).addTo(map);
      counts[layer.id] = group.getLayers().length;
      overlays['<span style="color:' + layer.colour + '">&#9679;</span> ' + escapeHtml(layer.title) +
        " (" + counts[layer.id] + ")"] = group;
    });
    L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    map.fitBounds(base.bounds, { padding: [8, 8] });
    element.setAttribute("data-layers-drawn", JSON.stringify(counts));
    G.maps[element.id] = { map: map, counts: counts };
    return map;
  };

  G.drawCharts = function (element, charts) {
    element.innerHTML = "";
    // Lay every box out first, then plot: each chart takes its box's final width.
    var boxes = (charts || []).map(function (chart) {
      var div = document.createElement("div");
      div.className = "g-chart";
      div.id = "chart-" + chart.id;
      element.appendChild(div);
      return div;
    });
    (charts || []).forEach(function (chart, index) {
      Plotly.newPlot(boxes[index], chart.data, chart.layout, {
        displaylogo: false, responsive: true, showLink: false, showSendToCloud: false,
      });
    });
    element.setAttribute("data-charts-drawn", String(boxes.length));
  };

  G.drawAll = function (root) {
    (root || document).querySelectorAll("[data-g-map]").forEach(function (element) {
      var spec = readJson(element.getAttribute("data-g-map"));
      if (spec) G.drawMap(element, spec);
    });
    (root || document).querySelectorAll("[data-g-charts]").forEach(function (element) {
      var charts = readJson(element.getAttribute("data-g-charts"));
      if (charts) G.drawCharts(element, charts);
    });
  };

  document.addEventListener("DOMContentLoaded", function () { G.drawAll(document); });
})();
