/* rekg web page: draws the graphs of a page with the vendored cytoscape.js.
   Each <div class="cy" data-graph="ID"> takes its elements from <script type="application/json" id="ID">.
   Nodes with a position are drawn there (supply paths, by layer); others by the cose layout. */
(function () {
  "use strict";
  var TYPE_COLOURS = { Element: "#6a3d9a", Material: "#b15928", Country: "#1f78b4", Region: "#1f78b4",
    Firm: "#33a02c", Facility: "#e31a1c", Policy: "#ff7f00", Source: "#666666" };
  var graphs = {};

  function style() {
    return [
      { selector: "node", style: { "label": "data(label)", "font-size": 11, "text-wrap": "wrap", "text-max-width": 140,
          "text-valign": "bottom", "text-margin-y": 4, "color": "#1a1a1a", "text-background-color": "#ffffff",
          "text-background-opacity": 0.85, "text-background-padding": 1, "width": 18, "height": 18,
          "background-color": function (n) { return TYPE_COLOURS[n.data("type")] || "#0b4f9c"; } } },
      { selector: "node.centre", style: { "width": 28, "height": 28, "font-weight": "bold", "border-width": 3, "border-color": "#12263f" } },
      { selector: "node.spof", style: { "border-width": 4, "border-color": "#a4161a" } },
      { selector: "node.restricted", style: { "background-color": "#a4161a" } },
      { selector: "node:selected", style: { "overlay-color": "#d35400", "overlay-opacity": 0.25 } },
      { selector: "edge", style: { "width": 1.5, "line-color": "#8a94a0", "target-arrow-color": "#8a94a0",
          "target-arrow-shape": "triangle", "curve-style": "bezier", "label": "data(label)", "font-size": 10,
          "color": "#3a3a3a", "text-rotation": "autorotate", "text-background-color": "#ffffff",
          "text-background-opacity": 1, "text-background-padding": 2, "text-background-shape": "roundrectangle" } },
      { selector: "edge[width]", style: { "width": "data(width)" } },
      /* a lost link: dashed red, its label (the tonnes it carried) red and bold on an opaque
         white box with a red rim, so it stays legible where it crosses the dashes */
      { selector: "edge.lost", style: { "line-color": "#a4161a", "target-arrow-color": "#a4161a", "line-style": "dashed",
          "color": "#a4161a", "font-weight": "bold", "text-border-width": 1, "text-border-color": "#a4161a",
          "text-border-opacity": 1 } }
    ];
  }

  function elements(data) { return (data.nodes || []).concat(data.edges || []); }

  /* A drawing by layer (supply paths) is wide and flat: fitted to its width it fills only a
     band in the middle of a tall box, and a screenshot or a small window showed the box's empty
     top half. Shrink the box to the drawing's height (never below 240 px) and fit again. */
  function fitHeight(container, cy) {
    var box = cy.elements().renderedBoundingBox({ includeLabels: true });
    var wanted = Math.max(240, Math.ceil(box.h + 60));
    if (wanted < container.clientHeight) {
      container.style.height = wanted + "px";
      cy.resize();
      cy.fit(undefined, 30);
    }
  }

  function draw(container) {
    var data = JSON.parse(document.getElementById(container.getAttribute("data-graph")).textContent);
    var preset = (data.nodes || []).length > 0 && data.nodes.every(function (n) { return n.position; });
    var cy = cytoscape({ container: container, elements: elements(data), style: style(),
      layout: preset ? { name: "preset", fit: true, padding: 30 } : { name: "cose", animate: false, padding: 30, nodeRepulsion: 9000 } });
    cy.on("tap", "node", function (evt) {
      var select = document.querySelector('[data-graph-select="' + container.id + '"]');
      if (select) { select.value = evt.target.id(); }
    });
    cy.on("dbltap", "node", function (evt) {
      var href = evt.target.data("href");
      if (href) { window.location.href = href; }
    });
    if (preset) { fitHeight(container, cy); }
    graphs[container.id] = cy;
    window.rekgGraphs = graphs;  // for the browser tests (tests/web)
    return cy;
  }

  function selected(id) {
    var select = document.querySelector('[data-graph-select="' + id + '"]');
    return select ? select.value : null;
  }

  function addOption(select, node) {
    if (!select || select.querySelector('option[value="' + CSS.escape(node.data.id) + '"]')) { return; }
    var opt = document.createElement("option");
    opt.value = node.data.id;
    opt.textContent = node.data.label + " (" + node.data.type + ")";
    select.appendChild(opt);
  }

  function expand(id) {
    var cy = graphs[id], node = selected(id);
    if (!cy || !node) { return; }
    fetch("/web/graph/" + encodeURIComponent(node).replace(/%3A/g, ":"))
      .then(function (r) { if (!r.ok) { throw new Error("could not load the neighbours of " + node); } return r.json(); })
      .then(function (data) {
        var select = document.querySelector('[data-graph-select="' + id + '"]');
        var fresh = elements(data).filter(function (el) { return cy.getElementById(el.data.id).empty(); });
        fresh.forEach(function (el) { if (el.classes === "centre") { delete el.classes; } });
        cy.add(fresh);
        (data.nodes || []).forEach(function (n) { addOption(select, n); });
        cy.layout({ name: "cose", animate: false, padding: 30, nodeRepulsion: 9000 }).run();
      })
      .catch(function (err) { var box = document.getElementById(id); box.setAttribute("data-error", err.message); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".cy[data-graph]").forEach(draw);
    document.querySelectorAll("[data-graph-expand]").forEach(function (b) {
      b.addEventListener("click", function () { expand(b.getAttribute("data-graph-expand")); });
    });
    document.querySelectorAll("[data-graph-fit]").forEach(function (b) {
      b.addEventListener("click", function () { var cy = graphs[b.getAttribute("data-graph-fit")]; if (cy) { cy.fit(undefined, 30); } });
    });
    document.querySelectorAll("[data-graph-open]").forEach(function (b) {
      b.addEventListener("click", function () {
        var id = b.getAttribute("data-graph-open"), node = selected(id), cy = graphs[id];
        var href = cy && node ? cy.getElementById(node).data("href") : null;
        if (href) { window.location.href = href; }
      });
    });
    document.querySelectorAll("[data-graph-select]").forEach(function (s) {
      s.addEventListener("change", function () {
        var cy = graphs[s.getAttribute("data-graph-select")];
        if (cy) { cy.elements().unselect(); cy.getElementById(s.value).select(); }
      });
    });
  });
})();
