// The ERD viewer of the HTML report: pan (drag), zoom (wheel, buttons, keys) and search over the
// inlined graphviz SVG; choosing a model zooms to it and its neighbours and dims the rest.
// Self-contained: it only changes the SVG's viewBox and class names (nothing the CSP forbids).
(function () {
  "use strict";
  var view = document.getElementById("erd-view");
  var tools = document.getElementById("erd-tools");
  var svg = view ? view.querySelector("svg") : null;
  if (!svg || !tools || !svg.viewBox || !svg.viewBox.baseVal) {
    return;
  }
  var search = document.getElementById("erd-search");
  var list = document.getElementById("erd-models");
  var status = document.getElementById("erd-status");
  var clear = document.getElementById("erd-clear");
  var base = svg.viewBox.baseVal;
  var full = { x: base.x, y: base.y, w: base.width, h: base.height };
  var box = { x: full.x, y: full.y, w: full.w, h: full.h };

  function nodeName(g) {
    var title = g.querySelector("title");
    var id = title ? title.textContent : "";
    if (/^n_[0-9a-f]{12}$/.test(id)) {
      var text = g.querySelector("text");
      return text ? text.textContent.trim() : id;
    }
    return id;
  }

  var nodes = {};
  var byId = {};
  Array.prototype.forEach.call(svg.querySelectorAll("g.node"), function (g) {
    var title = g.querySelector("title");
    var name = nodeName(g);
    nodes[name] = g;
    byId[title ? title.textContent : name] = name;
  });
  var edges = [];
  Array.prototype.forEach.call(svg.querySelectorAll("g.edge"), function (g) {
    var title = g.querySelector("title");
    var ends = (title ? title.textContent : "").split("->");
    if (ends.length === 2) {
      edges.push({
        g: g,
        tail: byId[ends[0].split(":")[0]],
        head: byId[ends[1].split(":")[0]],
      });
    }
  });
  var names = Object.keys(nodes).sort();
  names.forEach(function (name) {
    var option = document.createElement("option");
    option.value = name;
    list.appendChild(option);
  });

  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.classList.add("erd-live");
  tools.hidden = false;

  function apply() {
    svg.setAttribute("viewBox", [box.x, box.y, box.w, box.h].join(" "));
  }

  function toSvg(clientX, clientY) {
    var matrix = svg.getScreenCTM();
    if (!matrix) {
      return { x: box.x + box.w / 2, y: box.y + box.h / 2 };
    }
    var point = svg.createSVGPoint();
    point.x = clientX;
    point.y = clientY;
    var inside = point.matrixTransform(matrix.inverse());
    return { x: inside.x, y: inside.y };
  }

  function zoom(factor, center) {
    var width = Math.min(full.w * 4, Math.max(full.w / 400, box.w / factor));
    var scale = width / box.w;
    var at = center || { x: box.x + box.w / 2, y: box.y + box.h / 2 };
    box = {
      x: at.x - (at.x - box.x) * scale,
      y: at.y - (at.y - box.y) * scale,
      w: width,
      h: box.h * scale,
    };
    apply();
  }

  function fit() {
    box = { x: full.x, y: full.y, w: full.w, h: full.h };
    apply();
  }

  function unfocus() {
    Array.prototype.forEach.call(svg.querySelectorAll(".erd-dim, .erd-hit"), function (el) {
      el.classList.remove("erd-dim", "erd-hit");
    });
    clear.hidden = true;
    status.textContent = "";
  }

  function focusOn(name) {
    var target = nodes[name];
    if (!target) {
      status.textContent = search.value ? "no model named " + search.value : "";
      return false;
    }
    unfocus();
    var keep = {};
    keep[name] = true;
    edges.forEach(function (edge) {
      var touches = edge.tail === name || edge.head === name;
      if (touches) {
        keep[edge.tail] = true;
        keep[edge.head] = true;
      }
      edge.g.classList.toggle("erd-dim", !touches);
    });
    var left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
    names.forEach(function (other) {
      nodes[other].classList.toggle("erd-dim", !keep[other]);
      if (keep[other]) {
        var rect = nodes[other].getBoundingClientRect();
        var a = toSvg(rect.left, rect.top);
        var b = toSvg(rect.right, rect.bottom);
        left = Math.min(left, a.x);
        top = Math.min(top, a.y);
        right = Math.max(right, b.x);
        bottom = Math.max(bottom, b.y);
      }
    });
    target.classList.add("erd-hit");
    var pad = 24;
    var aspect = full.h / full.w;
    var width = Math.max(right - left + 2 * pad, (bottom - top + 2 * pad) / aspect, 200);
    box = {
      x: (left + right) / 2 - width / 2,
      y: (top + bottom) / 2 - (width * aspect) / 2,
      w: width,
      h: width * aspect,
    };
    apply();
    clear.hidden = false;
    status.textContent = name + " and " + (Object.keys(keep).length - 1) + " related";
    view.setAttribute("data-focus", name);
    return true;
  }

  var drag = null;
  svg.addEventListener("pointerdown", function (event) {
    drag = { x: event.clientX, y: event.clientY, box: box };
    svg.setPointerCapture(event.pointerId);
    svg.classList.add("erd-dragging");
  });
  svg.addEventListener("pointermove", function (event) {
    if (!drag) {
      return;
    }
    var rect = svg.getBoundingClientRect();
    var perPixel = Math.max(drag.box.w / rect.width, drag.box.h / rect.height);
    box = {
      x: drag.box.x - (event.clientX - drag.x) * perPixel,
      y: drag.box.y - (event.clientY - drag.y) * perPixel,
      w: drag.box.w,
      h: drag.box.h,
    };
    apply();
  });
  function endDrag() {
    drag = null;
    svg.classList.remove("erd-dragging");
  }
  svg.addEventListener("pointerup", endDrag);
  svg.addEventListener("pointercancel", endDrag);
  svg.addEventListener(
    "wheel",
    function (event) {
      event.preventDefault();
      zoom(event.deltaY < 0 ? 1.2 : 1 / 1.2, toSvg(event.clientX, event.clientY));
    },
    { passive: false }
  );
  svg.addEventListener("dblclick", function (event) {
    var g = event.target.closest ? event.target.closest("g.node") : null;
    if (g) {
      search.value = nodeName(g);
      focusOn(search.value);
    }
  });
  document.getElementById("erd-zoom-in").addEventListener("click", function () {
    zoom(1.5);
  });
  document.getElementById("erd-zoom-out").addEventListener("click", function () {
    zoom(1 / 1.5);
  });
  document.getElementById("erd-fit").addEventListener("click", fit);
  clear.addEventListener("click", function () {
    unfocus();
    view.removeAttribute("data-focus");
    search.value = "";
    fit();
  });
  search.addEventListener("change", function () {
    focusOn(search.value.trim());
  });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
      var query = search.value.trim().toLowerCase();
      var exact = names.filter(function (n) {
        return n.toLowerCase() === query;
      });
      var partial = names.filter(function (n) {
        return n.toLowerCase().indexOf(query) !== -1;
      });
      var found = exact[0] || partial[0];
      if (found && query) {
        search.value = found;
      }
      focusOn(found || search.value.trim());
    }
  });
  view.addEventListener("keydown", function (event) {
    if (event.key === "+" || event.key === "=") {
      zoom(1.5);
    } else if (event.key === "-") {
      zoom(1 / 1.5);
    } else if (event.key === "0") {
      fit();
    }
  });
  apply();
})();
