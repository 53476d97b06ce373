// Shortcuts on the attendance grid: with a day's list focused, one key chooses its attendance.
// The letters follow the page's language: they are read from the legend above the grid
// (data-attendance-key and data-attendance-status, from candidates/attendance_grid.py), so what the legend says
// is what a key does. The grid works without this script; it only saves opening each list.
(function () {
  "use strict";

  var KEYS = { Delete: "", Backspace: "" };
  document.querySelectorAll("[data-attendance-key]").forEach(function (item) {
    KEYS[item.dataset.attendanceKey.toLowerCase()] = item.dataset.attendanceStatus;
  });

  function choose(select, status) {
    var option = Array.prototype.find.call(select.options, function (item) {
      return item.value === status;
    });
    if (!option) {
      return false; // A day still to come offers fewer choices.
    }
    select.value = status;
    select.dataset.status = status;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }

  document.querySelectorAll(".attendance-grid").forEach(function (grid) {
    grid.addEventListener("keydown", function (event) {
      var select = event.target;
      if (!select.classList || !select.classList.contains("attendance-select")) {
        return;
      }
      if (event.ctrlKey || event.altKey || event.metaKey) {
        return;
      }
      var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
      if (Object.prototype.hasOwnProperty.call(KEYS, key) && choose(select, KEYS[key])) {
        event.preventDefault();
      }
    });
    grid.addEventListener("change", function (event) {
      if (event.target.classList && event.target.classList.contains("attendance-select")) {
        event.target.dataset.status = event.target.value;
      }
    });
  });
})();
