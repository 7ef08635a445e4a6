(function () {
  "use strict";
  var table = document.getElementById("matrix");
  if (!table || !table.tBodies.length) {
    return;
  }
  var body = table.tBodies[0];
  var filter = document.getElementById("matrix-filter");
  var statusSelect = document.getElementById("matrix-status");
  var kindSelect = document.getElementById("matrix-kind");
  var counter = document.getElementById("matrix-count");
  var rows = Array.prototype.slice.call(body.rows);
  rows.forEach(function (row, i) {
    row.setAttribute("data-order", String(i));
  });

  function applyFilters() {
    var query = filter.value.trim().toLowerCase();
    var status = statusSelect.value;
    var kind = kindSelect.value;
    var shown = 0;
    rows.forEach(function (row) {
      var visible =
        (query === "" || row.getAttribute("data-search").indexOf(query) !== -1) &&
        (status === "" || row.getAttribute("data-statuses").split(" ").indexOf(status) !== -1) &&
        (kind === "" || row.getAttribute("data-kind") === kind);
      row.hidden = !visible;
      if (visible) {
        shown += 1;
      }
    });
    counter.textContent = shown + " of " + rows.length + " entry points";
  }

  function cellValue(row, column) {
    var cell = row.cells[column];
    var value = cell.getAttribute("data-sort");
    return value === null ? cell.textContent.trim() : value;
  }

  function sortBy(header, column, numeric) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.setAttribute("aria-sort", "none");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.sort(function (a, b) {
      var x = cellValue(a, column);
      var y = cellValue(b, column);
      var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      if (order === 0) {
        order = Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
        return order;
      }
      return ascending ? order : -order;
    });
    rows.forEach(function (row) {
      body.appendChild(row);
    });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, column) {
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
  applyFilters();
})();
