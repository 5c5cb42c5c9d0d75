// On a phone, a table marked .table-stack shows each row as a card, each
// cell under the name of its column (the CSS is in app.css, below 576 px):
// the columns on the right no longer hide off-screen. The names come from
// the header row. Cells displayed as blocks lose their table meaning for
// some screen readers, so the table's parts say their roles themselves.
// Without this script the table scrolls in its box, as any other.
(function () {
  "use strict";

  function stack(table) {
    const names = [];
    table.querySelectorAll("thead tr:last-child > th").forEach(function (th) {
      const name = th.textContent.trim();
      for (let i = 0; i < th.colSpan; i += 1) {
        names.push(name);
      }
    });
    table.setAttribute("role", "table");
    table.querySelectorAll("thead, tbody, tfoot").forEach(function (group) {
      group.setAttribute("role", "rowgroup");
    });
    table.querySelectorAll("thead th").forEach(function (th) {
      th.setAttribute("role", "columnheader");
    });
    table.querySelectorAll("tbody tr, tfoot tr").forEach(function (row) {
      row.setAttribute("role", "row");
      let column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        cell.setAttribute("role", cell.tagName === "TH" ? "rowheader" : "cell");
        if (cell.colSpan === 1 && names[column] && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", names[column]);
        }
        column += cell.colSpan;
      });
    });
    table.querySelectorAll("thead tr").forEach(function (row) {
      row.setAttribute("role", "row");
    });
    table.classList.add("is-stacked");
  }

  document.querySelectorAll("table.table-stack").forEach(stack);
})();
