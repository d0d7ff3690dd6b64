// charts.js draws the charts of a page with ECharts (echarts.min.js must
// load first). The server renders each chart as an element with a
// data-chart attribute naming a <script type="application/json"> that holds
//
//   {"option": {...ECharts option...},
//    "table": {"columns": ["..."], "rows": [[...]]}}
//
// and every string the chart shows: the option's titles and names, and the
// element's data-label-* attributes (download-group, png, svg, csv, error),
// all from the server's catalogue. The page's own table of the data (a
// <details> or <noscript> beside the chart) stays as it is: it is the chart
// for screen readers and for browsers without script.
//
// The world map: series of type "map" and geo components with map "world"
// use the GeoJSON named by the element's data-world-url (the hashed URL of
// world.json), fetched once per page. Regions are keyed by ISO 3166-1
// alpha-2 code, so data items are named "TH", "VN", ... A lines item may
// give "from" and "to" codes instead of coords, and a scatter item on the
// map a "code" instead of a position: they are placed at the country's
// centroid (a line between countries the map lacks is left out). A geo
// component with "fitData": true is framed on the places its series show,
// a map series with it on the countries it colours.
//
// Withheld values: a data item {"value": null, "withheld": "<5"} draws
// nothing and shows its mark in the tooltip (axis charts and the map); the
// mark, never a number, is all the page holds of it.
//
// An element with data-lazy is drawn only when it comes near the viewport
// (VRSCharts.renderAll draws every chart at once, as printing does).
//
// Each download fires a "vrs:chart-download" event on the chart element,
// detail {kind, filename, url, blob (CSV only)}, before the browser saves the file.
"use strict";
(function () {
  // Deferred scripts run in order: this mark is when ECharts, before it,
  // has been evaluated (the performance panel and the tests read it).
  performance.mark("vrs-charts-script");
  var worldPromise = null;
  var world = null; // {codes: {code: {name, centroid}}}

  function loadWorld(url) {
    if (!worldPromise) {
      worldPromise = fetch(url, { credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok) {
            throw new Error("world map: HTTP " + r.status);
          }
          return r.json();
        })
        .then(function (geo) {
          var codes = {};
          geo.features.forEach(function (f) {
            var p = f.properties;
            if (p.code) {
              codes[p.code] = p;
            } else {
              // Regions need unique keys; a name is never an ISO code, so
              // no statistic can colour these (Kosovo, N. Cyprus, ...).
              p.code = p.name;
            }
          });
          echarts.registerMap("world", geo);
          world = { codes: codes };
          return world;
        });
      worldPromise.catch(function () {
        worldPromise = null; // let a later chart try again
      });
    }
    return worldPromise;
  }

  function usesWorld(option) {
    var all = [].concat(option.series || [], option.geo || []);
    return all.some(function (s) {
      return s.map === "world";
    });
  }

  function centroid(code) {
    var c = world && world.codes[code];
    return c ? c.centroid : null;
  }

  // prepare fills in what JSON cannot say: keys by code, positions from
  // country codes, a tooltip that names countries, and the mark of a
  // withheld value (a data item {"value": null, "withheld": "<5"}) in the
  // tooltips.
  function prepare(option) {
    [].concat(option.geo || []).forEach(function (g) {
      if (g.map === "world" && !g.nameProperty) {
        g.nameProperty = "code";
      }
    });
    // ECharts' own tooltips mark each series with an inline style, which
    // the Content-Security-Policy refuses: every tooltip is ours.
    // An item's tooltip also gets an arrow drawn with an inline style,
    // unless the tooltip is confined to the chart.
    var tip = option.tooltip;
    if (tip && !tip.formatter) {
      tip.formatter = tip.trigger === "axis" ? axisTooltip : itemTooltip;
    }
    if (tip && tip.confine === undefined) {
      tip.confine = true;
    }
    [].concat(option.series || []).forEach(function (s) {
      if (s.type === "map" && s.map === "world") {
        if (!s.nameProperty) {
          s.nameProperty = "code";
        }
        if (!s.tooltip || !s.tooltip.formatter) {
          s.tooltip = Object.assign({}, s.tooltip, { formatter: mapTooltip });
        }
      }
      if (s.type === "lines") {
        (s.data || []).forEach(function (d) {
          if (!d.coords && d.from && d.to) {
            var a = centroid(d.from);
            var b = centroid(d.to);
            if (a && b) {
              d.coords = [a, b];
            }
          }
        });
        // A country the map does not have: no line rather than no chart.
        s.data = (s.data || []).filter(function (d) {
          return d.coords;
        });
      }
      if (s.type === "scatter" || s.type === "effectScatter") {
        (s.data || []).forEach(function (d) {
          if (d && d.code && !Array.isArray(d.value)) {
            var c = centroid(d.code);
            if (c) {
              d.value = [c[0], c[1], d.value];
            }
          }
        });
      }
    });
    [].concat(option.geo || []).forEach(function (g) {
      if (g.fitData) {
        delete g.fitData;
        var pts = [];
        [].concat(option.series || []).forEach(function (s) {
          (s.data || []).forEach(function (d) {
            if (s.type === "lines" && d.coords) {
              pts.push(d.coords[0], d.coords[1]);
            } else if (d && Array.isArray(d.value) && d.value.length >= 2) {
              pts.push(d.value);
            }
          });
        });
        fit(g, pts);
      }
    });
    [].concat(option.series || []).forEach(function (s) {
      if (s.type === "map" && s.fitData) {
        delete s.fitData;
        fit(s, (s.data || []).map(function (d) {
          return centroid(d.name);
        }).filter(Boolean));
      }
    });
    return option;
  }

  // fit frames a map or geo component on the given places ("fitData": true
  // on it: the places its series show, or the countries a map colours),
  // with a margin, rather than on the whole world.
  function fit(g, pts) {
    if (!pts.length) {
      return;
    }
    var lon = pts.map(function (p) { return p[0]; });
    var lat = pts.map(function (p) { return p[1]; });
    var east = Math.max.apply(null, lon), west = Math.min.apply(null, lon);
    var north = Math.max.apply(null, lat), south = Math.min.apply(null, lat);
    var pad = Math.max(5, 0.15 * Math.max(east - west, north - south));
    g.boundingCoords = [[Math.max(-180, west - pad), Math.min(85, north + pad)], [Math.min(180, east + pad), Math.max(-60, south - pad)]];
  }

  function withheld(p) {
    return p.data && typeof p.data === "object" && p.data.withheld ? p.data.withheld : null;
  }

  function axisTooltip(params) {
    var box = document.createElement("div");
    [].concat(params).forEach(function (p, i) {
      if (i === 0) {
        var head = document.createElement("div");
        head.textContent = p.axisValueLabel;
        box.appendChild(head);
      }
      var row = document.createElement("div");
      var v = withheld(p) || (p.value == null || p.value === "" ? "–" : p.value);
      row.textContent = p.seriesName + ": " + v;
      box.appendChild(row);
    });
    return box.innerHTML;
  }

  // itemTooltip names one item (a country, a flow, a path of the Sankey)
  // and its value; a point's value is the last of its coordinates.
  function itemTooltip(p) {
    var name = p.name;
    if (p.dataType === "edge" && p.data) {
      name = p.data.source + " → " + p.data.target;
    }
    var v = Array.isArray(p.value) ? p.value[p.value.length - 1] : p.value;
    v = withheld(p) || (v == null || v === "" ? "–" : v);
    var el = document.createElement("span");
    el.textContent = (name ? name + ": " : "") + v;
    return el.innerHTML;
  }

  function mapTooltip(p) {
    var c = world && world.codes[p.name];
    var name = (p.data && p.data.title) || (c ? c.name : p.name);
    var value = withheld(p) || (p.value == null || isNaN(p.value) ? "–" : p.value);
    var el = document.createElement("span");
    el.textContent = name + ": " + value;
    return el.innerHTML; // escaped: names reach ECharts as HTML
  }

  function csvCell(v) {
    if (v == null) {
      return "";
    }
    var s = String(v);
    // As export.Neutralise: text that a spreadsheet would run as a formula.
    if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) {
      s = "'" + s;
    }
    if (/[",\r\n]/.test(s)) {
      s = '"' + s.replace(/"/g, '""') + '"';
    }
    return s;
  }

  function toCSV(table) {
    var lines = [(table.columns || []).map(csvCell).join(",")];
    (table.rows || []).forEach(function (r) {
      lines.push(r.map(csvCell).join(","));
    });
    // The byte order mark makes spreadsheet programs read UTF-8.
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }

  // exportURL returns the chart as an image of the given kind. The shown
  // chart answers for its own renderer; the other kind is drawn by a
  // hidden instance of the same size, without animation.
  function exportURL(chart, spec, renderer, kind) {
    var want = kind === "svg" ? "svg" : "canvas";
    var opts = { type: "png", pixelRatio: 2, backgroundColor: "#fff" };
    if (renderer === want) {
      return chart.getDataURL(opts);
    }
    var box = document.createElement("div");
    box.style.position = "absolute";
    box.style.left = "-10000px";
    box.style.top = "0";
    box.style.width = chart.getWidth() + "px";
    box.style.height = chart.getHeight() + "px";
    document.body.appendChild(box);
    try {
      var tmp = echarts.init(box, null, { renderer: want });
      var o = prepare(JSON.parse(JSON.stringify(spec.option)));
      o.animation = false;
      tmp.setOption(o);
      var url = tmp.getDataURL(opts);
      tmp.dispose();
      return url;
    } finally {
      box.remove();
    }
  }

  function download(el, kind, filename, url, blob) {
    el.dispatchEvent(new CustomEvent("vrs:chart-download", {
      bubbles: true,
      detail: { kind: kind, filename: filename, url: url, blob: blob },
    }));
    var a = document.createElement("a");
    a.href = url;
    a.download = filename;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
    if (url.indexOf("blob:") === 0) {
      setTimeout(function () {
        URL.revokeObjectURL(url);
      }, 60000);
    }
  }

  // toolbar makes the download buttons, disabled until the chart is drawn
  // (render sets el.vrsChart), so that they take their room at once.
  function toolbar(el, spec) {
    var bar = document.createElement("div");
    bar.className = "chart-downloads";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", el.dataset.labelDownloads || "Download");
    var base = el.dataset.filename || "chart";
    var renderer = el.dataset.renderer === "canvas" ? "canvas" : "svg";
    var kinds = [["png", "PNG"], ["svg", "SVG"]];
    if (spec.table && spec.table.columns) {
      kinds.push(["csv", "CSV"]);
    }
    kinds.forEach(function (k) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "secondary small";
      b.disabled = true;
      b.dataset.download = k[0];
      b.textContent = el.dataset["label" + k[1].charAt(0) + k[0].slice(1)] || k[1];
      b.addEventListener("click", function () {
        var url, blob;
        if (k[0] === "csv") {
          // A blob, as a data: URL would meet the browser's URL length
          // limit (2 MB in Chromium) on a long table.
          blob = new Blob([toCSV(spec.table)], { type: "text/csv;charset=utf-8" });
          url = URL.createObjectURL(blob);
        } else {
          url = exportURL(el.vrsChart, spec, renderer, k[0]);
        }
        download(el, k[0], base + "." + k[0], url, blob);
      });
      bar.appendChild(b);
    });
    return bar;
  }

  function specScript(el) {
    var id = el.dataset.chart;
    var script = id ? document.getElementById(id) : el.nextElementSibling;
    if (!script || script.type !== "application/json") {
      throw new Error("chart: no JSON spec for " + (id || "element"));
    }
    return script;
  }

  function fail(el, err) {
    el.dataset.chartState = "error";
    var p = document.createElement("p");
    p.className = "chart-error";
    p.setAttribute("role", "status");
    p.textContent = el.dataset.labelError || "The chart could not be drawn.";
    el.appendChild(p);
    if (window.console) {
      console.error(err);
    }
  }

  // placeholder gives the chart its room before it is drawn, so that the
  // page does not move as charts appear (and lazy charts below the fold
  // are known to be so). It stands in place of the spec when the element
  // holds it, so that a caption above and a data table below keep their
  // places.
  function placeholder(el) {
    if (el.vrsCanvas) {
      return el.vrsCanvas;
    }
    var script = specScript(el);
    el.vrsChartSpec = el.vrsChartSpec || JSON.parse(script.textContent);
    var canvas = document.createElement("div");
    canvas.className = "chart-canvas";
    canvas.setAttribute("role", "img");
    if (el.dataset.title) {
      canvas.setAttribute("aria-label", el.dataset.title);
    }
    canvas.style.width = "100%";
    canvas.style.height = (parseInt(el.dataset.height, 10) || 360) + "px";
    var at = script.parentNode === el ? script : null;
    el.insertBefore(canvas, at);
    el.vrsBar = el.insertBefore(toolbar(el, el.vrsChartSpec), at);
    el.vrsCanvas = canvas;
    return canvas;
  }

  // render draws one chart element and resolves once it first shows.
  function render(el) {
    if (el.dataset.chartState) {
      return el.vrsChartDone || Promise.resolve();
    }
    el.dataset.chartState = "loading";
    var done = new Promise(function (resolve) {
      var spec, script;
      try {
        script = specScript(el);
        spec = el.vrsChartSpec || JSON.parse(script.textContent);
      } catch (err) {
        fail(el, err);
        resolve();
        return;
      }
      var ready = usesWorld(spec.option) ? loadWorld(el.dataset.worldUrl) : Promise.resolve();
      ready.then(function () {
        var canvas = placeholder(el);
        var renderer = el.dataset.renderer === "canvas" ? "canvas" : "svg";
        var chart = echarts.init(canvas, null, { renderer: renderer });
        var t0 = performance.now();
        chart.on("rendered", function first() {
          chart.off("rendered", first);
          // Shows in the browser's performance panel, and to tests.
          performance.measure("chart " + (el.id || ""), { start: t0 });
          el.dataset.chartState = "rendered";
          resolve();
        });
        chart.on("finished", function () {
          el.dataset.chartState = "finished";
        });
        chart.setOption(prepare(JSON.parse(JSON.stringify(spec.option))));
        el.vrsChart = chart;
        el.vrsBar.querySelectorAll("button").forEach(function (b) {
          b.disabled = false;
        });
        if (window.ResizeObserver) {
          new ResizeObserver(function () {
            chart.resize();
          }).observe(canvas);
        }
      }).catch(function (err) {
        fail(el, err);
        resolve();
      });
    });
    el.vrsChartDone = done;
    return done;
  }

  function chartsIn(root) {
    return Array.prototype.slice.call((root || document).querySelectorAll("[data-chart]"));
  }

  // prefetch starts the map's download before any chart is drawn: drawing
  // is synchronous and would hold the request back by the time it takes.
  function prefetch(els) {
    els.forEach(function (el) {
      try {
        el.vrsChartSpec = el.vrsChartSpec || JSON.parse(specScript(el).textContent);
        if (usesWorld(el.vrsChartSpec.option)) {
          loadWorld(el.dataset.worldUrl).catch(function () {});
        }
      } catch (err) {
        // render reports it
      }
    });
  }

  function renderAll(root) {
    var els = chartsIn(root);
    prefetch(els);
    return Promise.all(els.map(render));
  }

  // Charts marked data-lazy are drawn when they come near the viewport, so
  // that a long page shows the charts in view without waiting for those
  // below (ECharts draws on the main thread, a world map in a few hundred
  // milliseconds). Printing draws them all.
  var lazyMargin = 200;
  var observer = null;

  function nearView(el) {
    var r = el.getBoundingClientRect();
    return r.top < window.innerHeight + lazyMargin && r.bottom > -lazyMargin;
  }

  function defer(el) {
    if (!observer) {
      observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (e) {
          if (e.isIntersecting) {
            observer.unobserve(e.target);
            render(e.target);
          }
        });
      }, { rootMargin: lazyMargin + "px 0px" });
    }
    observer.observe(el);
  }

  // renderVisible draws the charts near the viewport now and the lazy ones
  // below as they come into view; it resolves once the first have shown.
  function renderVisible(root) {
    var now = [];
    var later = [];
    var els = chartsIn(root);
    els.forEach(function (el) {
      try {
        placeholder(el);
      } catch (err) {
        // render reports it
      }
    });
    els.forEach(function (el) {
      var lazy = el.dataset.lazy !== undefined && window.IntersectionObserver && !nearView(el);
      (lazy ? later : now).push(el);
    });
    prefetch(now);
    later.forEach(defer);
    return Promise.all(now.map(render)).then(function () {
      // The maps below get their shapes while the reader reads.
      prefetch(later);
    });
  }

  var pageDone = null;
  function start() {
    pageDone = renderVisible(document).then(function () {
      window.VRSCharts.firstPaintMs = performance.now();
    });
  }

  window.VRSCharts = {
    render: render,
    renderAll: renderAll,
    // whenRendered resolves once every chart in view at the first load
    // has shown (firstPaintMs is then the time since navigation start);
    // renderAll draws the lazy ones below too.
    whenRendered: function () {
      return pageDone || renderVisible(document);
    },
    toCSV: toCSV,
    firstPaintMs: null,
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  window.addEventListener("beforeprint", function () {
    renderAll(document);
  });
  // Content that htmx swaps in gets its charts; charts it removes let go of
  // their ECharts instance.
  // (htmx sends htmx:load for the whole body at start too: lazy charts must
  // stay lazy then.)
  document.addEventListener("htmx:load", function (e) {
    renderVisible(e.target);
  });
  document.addEventListener("htmx:beforeCleanupElement", function (e) {
    var c = e.target.querySelector && e.target.querySelector(".chart-canvas");
    var inst = c && echarts.getInstanceByDom(c);
    if (inst) {
      inst.dispose();
    }
  });
})();
