// The communes map (templates/reports/partials/map.html) works without this script: each point
// shows its own label on hover and focus. SVG has no z-index, though, so a point drawn later
// may cover that label; this copies the label of the point under the pointer or the keyboard
// focus into one text element drawn last, above every point.
(function () {
  "use strict";
  var COPIED = ["x", "y", "dy", "text-anchor"];
  document.querySelectorAll("svg.commune-map").forEach(function (svg) {
    var overlay = svg.querySelector(".map-overlay");
    if (!overlay) return;
    function show(event) {
      var link = event.target.closest ? event.target.closest("a.map-point") : null;
      var label = link && link.querySelector(".map-label");
      if (!label) return;
      overlay.textContent = label.textContent;
      COPIED.forEach(function (name) { overlay.setAttribute(name, label.getAttribute(name)); });
      svg.classList.add("has-overlay");
    }
    function hide() { svg.classList.remove("has-overlay"); }
    // On the figure, not the svg: Chromium makes an SVG element with focus listeners a tab stop.
    var box = svg.parentNode;
    box.addEventListener("focusin", show);
    box.addEventListener("mouseover", show);
    box.addEventListener("focusout", hide);
    svg.addEventListener("mouseleave", hide);
  });
})();
