// Progressive enhancement of the report pages: sortable tables and a period selector.
//
// Every page reads fully without this file (print, email clients, screen readers): tables
// arrive sorted as their query orders them and every period's section is shown. With it, a
// table's column headers sort it (click again to reverse), and a page whose sections carry
// `data-period` gets buttons to show one period at a time. The state can be linked:
// `#period=year` and `#sort=bookings_amount:desc` (the first table with that column).
(function () {
  "use strict";

  function cellKey(cell) {
    var raw = cell.getAttribute("data-value");
    if (raw === null) raw = cell.textContent;
    var number = Number(raw);
    if (raw !== "" && !isNaN(number)) return { kind: 0, value: number };
    if (raw === "") return { kind: 2, value: "" };  // blanks last, whatever the direction
    return { kind: 1, value: raw.toLowerCase() };
  }

  function compare(a, b) {
    if (a.kind !== b.kind) return a.kind - b.kind;
    if (a.value < b.value) return -1;
    if (a.value > b.value) return 1;
    return 0;
  }

  function sortTable(table, index, descending) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).filter(function (row) {
      return row.cells.length > index && !row.querySelector("td.empty");
    });
    rows.sort(function (r1, r2) {
      var k1 = cellKey(r1.cells[index]);
      var k2 = cellKey(r2.cells[index]);
      if (k1.kind === 2 || k2.kind === 2) return compare(k1, k2);
      var order = compare(k1, k2);
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    var headers = table.tHead.rows[0].cells;
    for (var i = 0; i < headers.length; i++) {
      headers[i].setAttribute("aria-sort", i === index ? (descending ? "descending" : "ascending") : "none");
    }
  }

  function makeSortable(table) {
    if (!table.tHead || !table.tBodies.length) return;
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      button.title = "Sort by " + th.textContent;
      th.textContent = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var descending = th.getAttribute("aria-sort") !== "descending";
        sortTable(table, index, descending);
      });
    });
  }

  function showPeriod(period, sections, buttons) {
    sections.forEach(function (section) {
      section.hidden = period !== "all" && section.getAttribute("data-period") !== period;
    });
    buttons.forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-show") === period));
    });
  }

  var PERIOD_NAMES = { month: "This month", quarter: "This quarter", "previous-quarter": "Previous quarter", year: "This year" };

  function periodSelector(state) {
    var sections = Array.prototype.slice.call(document.querySelectorAll("section[data-period]"));
    var periods = [];
    sections.forEach(function (section) {
      var period = section.getAttribute("data-period");
      if (periods.indexOf(period) < 0) periods.push(period);
    });
    if (periods.length < 2) return;
    var bar = document.createElement("div");
    bar.className = "period-selector";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Period shown");
    var buttons = periods.concat(["all"]).map(function (period) {
      var button = document.createElement("button");
      button.type = "button";
      button.setAttribute("data-show", period);
      button.textContent = PERIOD_NAMES[period] || (period === "all" ? "All periods" : period);
      button.addEventListener("click", function () { showPeriod(period, sections, buttons); });
      bar.appendChild(button);
      return button;
    });
    sections[0].parentNode.insertBefore(bar, sections[0]);
    var wanted = state.period && (periods.indexOf(state.period) >= 0 || state.period === "all");
    showPeriod(wanted ? state.period : periods[0], sections, buttons);
  }

  function hashState() {
    var state = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var parts = pair.split("=");
      if (parts.length === 2) state[decodeURIComponent(parts[0])] = decodeURIComponent(parts[1]);
    });
    return state;
  }

  function applySort(state, tables) {
    if (!state.sort) return;
    var spec = state.sort.split(":");
    for (var t = 0; t < tables.length; t++) {
      var headers = tables[t].tHead ? tables[t].tHead.rows[0].cells : [];
      for (var i = 0; i < headers.length; i++) {
        if (headers[i].getAttribute("data-column") === spec[0]) {
          sortTable(tables[t], i, spec[1] === "desc");
          return;
        }
      }
    }
  }

  function start() {
    var state = hashState();
    var tables = Array.prototype.slice.call(document.querySelectorAll("table.data-table"));
    tables.forEach(makeSortable);
    applySort(state, tables);
    periodSelector(state);
    document.documentElement.classList.add("enhanced");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
