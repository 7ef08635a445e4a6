(function () {
  "use strict";
  var PAGE_SIZE = 50;

  function toArray(list) {
    return Array.prototype.slice.call(list);
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) {
      node.textContent = text;
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  var resetFindingsFilter = null; // set once the findings filter is ready

  // Opens every <details> around the element with this id (a finding inside its rule's group, a
  // rule's documentation), clearing the findings filter when it hides the element.
  function revealTarget(id) {
    var target = id ? document.getElementById(id) : null;
    if (!target) {
      return;
    }
    var hidden = false;
    for (var node = target; node; node = node.parentElement) {
      hidden = hidden || node.hidden;
      if (node.tagName === "DETAILS") {
        node.open = true;
      }
    }
    if (hidden && resetFindingsFilter) {
      resetFindingsFilter();
    }
    target.scrollIntoView({ block: "start" });
  }

  function setupFindings() {
    var container = document.getElementById("findings-groups");
    var controls = document.getElementById("findings-controls");
    if (!container || !controls) {
      return;
    }
    var search = document.getElementById("findings-filter");
    var severity = document.getElementById("findings-severity");
    var rule = document.getElementById("findings-rule");
    var confidence = document.getElementById("findings-confidence");
    var expand = document.getElementById("findings-expand");
    var counter = document.getElementById("findings-count");
    var groups = toArray(container.querySelectorAll("details.rule-group")).map(function (group) {
      return {
        node: group,
        rule: group.getAttribute("data-rule"),
        count: group.querySelector(".count"),
        findings: toArray(group.querySelectorAll("article.finding")),
        texts: null,
      };
    });

    function texts(group) {
      if (group.texts === null) {
        var title = group.node.querySelector(".rule-title");
        var prefix = (group.rule + " " + (title ? title.textContent : "") + " ").toLowerCase();
        group.texts = group.findings.map(function (article) {
          return prefix + article.textContent.toLowerCase();
        });
      }
      return group.texts;
    }

    function apply() {
      var query = search.value.trim().toLowerCase();
      var shown = 0;
      var total = 0;
      groups.forEach(function (group) {
        var ruleMatches = rule.value === "" || group.rule === rule.value;
        var found = query === "" ? null : texts(group);
        var matching = 0;
        group.findings.forEach(function (article, i) {
          var visible =
            ruleMatches &&
            (severity.value === "" || article.getAttribute("data-severity") === severity.value) &&
            (confidence.value === "" ||
              article.getAttribute("data-confidence") === confidence.value) &&
            (found === null || found[i].indexOf(query) !== -1);
          article.hidden = !visible;
          if (visible) {
            matching += 1;
          }
        });
        group.node.hidden = matching === 0;
        var all = group.findings.length;
        group.count.textContent = matching === all ? String(all) : matching + " of " + all;
        if (query !== "" && matching > 0) {
          group.node.open = true;
        }
        shown += matching;
        total += group.findings.length;
      });
      counter.textContent = shown + " of " + total + " findings";
    }

    resetFindingsFilter = function () {
      search.value = "";
      severity.value = "";
      rule.value = "";
      confidence.value = "";
      apply();
    };
    search.addEventListener("input", apply);
    [severity, rule, confidence].forEach(function (select) {
      select.addEventListener("change", apply);
    });
    expand.addEventListener("click", function () {
      var opening = expand.textContent === "Expand all";
      groups.forEach(function (group) {
        if (!group.node.hidden) {
          group.node.open = opening;
        }
      });
      expand.textContent = opening ? "Collapse all" : "Expand all";
    });
    controls.hidden = false;
  }

  function setupMatrix() {
    var table = document.getElementById("matrix");
    if (!table || !table.tBodies.length) {
      return;
    }
    var body = table.tBodies[0];
    var headers = table.tHead.rows[0].cells;
    var columns = toArray(table.querySelectorAll("col")).map(function (col) {
      return col.className.replace("w-", "");
    });
    var fileColumn = columns.indexOf("file");
    var lineColumn = columns.indexOf("line");
    var filter = document.getElementById("matrix-filter");
    var statusSelect = document.getElementById("matrix-status");
    var kindSelect = document.getElementById("matrix-kind");
    var counter = document.getElementById("matrix-count");
    var sizeSelect = document.getElementById("matrix-size");
    var previous = document.getElementById("matrix-prev");
    var next = document.getElementById("matrix-next");
    var pageLabel = document.getElementById("matrix-page");
    var rows = toArray(body.rows);
    var ordered = rows.slice();
    var shown = rows.slice();
    var page = 0;
    var size = PAGE_SIZE;
    var openCell = null;
    var panelRow = null;

    function fullText(cell) {
      var text = cell.textContent.trim();
      return cell.classList.contains("st") ? text : cell.getAttribute("title") || text;
    }

    var searchText = rows.map(function (row, i) {
      row.setAttribute("data-order", String(i));
      var parts = [row.getAttribute("data-id")];
      toArray(row.cells).forEach(function (cell) {
        if (!cell.classList.contains("st")) {
          parts.push(fullText(cell));
        }
      });
      return parts.join(" ").toLowerCase();
    });

    function closePanel() {
      if (panelRow && panelRow.parentNode) {
        panelRow.parentNode.removeChild(panelRow);
      }
      if (openCell) {
        openCell.classList.remove("open");
        openCell.setAttribute("aria-expanded", "false");
      }
      panelRow = null;
      openCell = null;
    }

    // Rows off the current page leave the document: the page holds a few hundred nodes, not the
    // whole matrix.
    function render() {
      closePanel();
      var pages = size ? Math.max(1, Math.ceil(shown.length / size)) : 1;
      page = Math.min(page, pages - 1);
      var start = size ? page * size : 0;
      var end = size ? Math.min(shown.length, start + size) : shown.length;
      var fragment = document.createDocumentFragment();
      for (var i = start; i < end; i += 1) {
        fragment.appendChild(shown[i]);
      }
      body.replaceChildren(fragment);
      toArray(body.querySelectorAll("td.st")).forEach(function (cell) {
        if (!cell.querySelector("a")) {
          cell.tabIndex = 0;
        }
        cell.setAttribute("aria-expanded", "false");
      });
      counter.textContent = shown.length + " of " + rows.length + " entry points";
      pageLabel.textContent = shown.length
        ? "Rows " + (start + 1) + "\u2013" + end + " of " + shown.length +
          ", page " + (page + 1) + " of " + pages
        : "No entry point matches";
      previous.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }

    function applyFilters() {
      var query = filter.value.trim().toLowerCase();
      var status = statusSelect.value;
      var kind = kindSelect.value;
      shown = ordered.filter(function (row) {
        return (
          (query === "" ||
            searchText[Number(row.getAttribute("data-order"))].indexOf(query) !== -1) &&
          (status === "" || row.getAttribute("data-statuses").split(" ").indexOf(status) !== -1) &&
          (kind === "" || row.getAttribute("data-kind") === kind)
        );
      });
      page = 0;
      render();
    }

    function sortBy(header, column, numeric) {
      var ascending = header.getAttribute("aria-sort") !== "ascending";
      toArray(headers).forEach(function (th) {
        th.setAttribute("aria-sort", "none");
      });
      header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      ordered.sort(function (a, b) {
        var x = fullText(a.cells[column]);
        var y = fullText(b.cells[column]);
        var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
        if (order === 0) {
          return Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
        }
        return ascending ? order : -order;
      });
      applyFilters();
    }

    function findingLabel(anchor) {
      var article = document.getElementById(anchor);
      if (!article) {
        return anchor;
      }
      var group = article.closest(".rule-group");
      var title = group ? group.querySelector(".rule-title") : null;
      var heading = article.querySelector("h4");
      return (
        (group ? group.getAttribute("data-rule") + " " : "") +
        (title ? title.textContent + ": " : "") +
        (heading ? heading.textContent : anchor)
      );
    }

    // The evidence of one check of one entry point, in a row under it.
    function openPanel(cell) {
      var row = cell.parentNode;
      var panel = element("div", undefined, "evidence-panel");
      panel.id = "matrix-evidence";
      panel.appendChild(
        element(
          "h4",
          headers[cell.cellIndex].textContent.trim() + ": " + cell.textContent.trim() + " \u00b7 " +
            row.cells[1].textContent.trim() + " " + fullText(row.cells[0])
        )
      );
      var place = element("p", "Evidence in ");
      var lineNumber = row.cells[lineColumn].textContent.trim();
      place.appendChild(element("code", fullText(row.cells[fileColumn]) + ":" + lineNumber));
      panel.appendChild(place);
      var lines = (cell.getAttribute("title") || "").split("\n").filter(Boolean);
      if (lines.length) {
        var list = element("ul");
        lines.forEach(function (line) {
          list.appendChild(element("li", line));
        });
        panel.appendChild(list);
      } else {
        panel.appendChild(element("p", "No evidence recorded for this check.", "muted"));
      }
      var anchors = (cell.getAttribute("data-findings") || "").split(" ").filter(Boolean);
      if (anchors.length) {
        var lead = anchors.length === 1 ? "The finding behind it:" : "The findings behind it:";
        panel.appendChild(element("p", lead));
        var links = element("ul");
        anchors.forEach(function (anchor) {
          var item = element("li");
          var link = element("a", findingLabel(anchor));
          link.href = "#" + anchor;
          item.appendChild(link);
          links.appendChild(item);
        });
        panel.appendChild(links);
      }
      var cellHolder = element("td");
      cellHolder.colSpan = row.cells.length;
      cellHolder.appendChild(panel);
      panelRow = element("tr", undefined, "evidence-row");
      panelRow.appendChild(cellHolder);
      row.parentNode.insertBefore(panelRow, row.nextSibling);
      cell.classList.add("open");
      cell.setAttribute("aria-expanded", "true");
      openCell = cell;
    }

    function toggle(cell) {
      var same = cell === openCell;
      closePanel();
      if (!same) {
        openPanel(cell);
      }
    }

    body.addEventListener("click", function (event) {
      var cell = event.target.closest("td.st");
      if (cell && body.contains(cell)) {
        event.preventDefault();
        toggle(cell);
      }
    });
    body.addEventListener("keydown", function (event) {
      var cell = event.target.closest("td.st");
      if (cell && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        toggle(cell);
      }
    });
    // A clipped cell shows its whole text on hover.
    body.addEventListener("mouseover", function (event) {
      var cell = event.target.closest("td");
      if (cell && !cell.hasAttribute("title") && cell.scrollWidth > cell.clientWidth) {
        cell.setAttribute("title", cell.textContent.trim());
      }
    });
    toArray(headers).forEach(function (header, column) {
      var button = header.querySelector("button");
      if (button) {
        button.addEventListener("click", function () {
          sortBy(header, column, header.getAttribute("data-type") === "number");
        });
      }
    });
    filter.addEventListener("input", applyFilters);
    statusSelect.addEventListener("change", applyFilters);
    kindSelect.addEventListener("change", applyFilters);
    sizeSelect.addEventListener("change", function () {
      size = Number(sizeSelect.value);
      page = 0;
      render();
    });
    previous.addEventListener("click", function () {
      page -= 1;
      render();
    });
    next.addEventListener("click", function () {
      page += 1;
      render();
    });
    document.getElementById("matrix-controls").hidden = false;
    document.getElementById("matrix-pager").hidden = false;
    document.getElementById("matrix-wrap").classList.add("paged");
    applyFilters();
  }

  setupFindings();
  setupMatrix();

  function idOf(hash) {
    try {
      return decodeURIComponent(hash.slice(1));
    } catch (error) {
      return "";
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest('a[href^="#"]') : null;
    if (link && !event.defaultPrevented) {
      revealTarget(idOf(link.getAttribute("href")));
    }
  });
  window.addEventListener("hashchange", function () {
    revealTarget(idOf(window.location.hash));
  });
  if (window.location.hash) {
    revealTarget(idOf(window.location.hash));
  }
})();
