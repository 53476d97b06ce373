/*
 * The pipeline board without a mouse works with the form on each card. This adds drag and drop:
 * a card dropped on a column that its life cycle allows submits the card's own form with that
 * column as the new status, so the server checks and records the move exactly as without script.
 * Loaded as a file (no inline script), so a Content-Security-Policy without 'unsafe-inline' holds.
 */
(function () {
  "use strict";

  var board = document.querySelector("[data-board][data-can-move]");
  if (!board) {
    return;
  }
  var columns = Array.prototype.slice.call(board.querySelectorAll("[data-column-status]"));
  var reasonRequired = (board.getAttribute("data-reason-required") || "").split(" ").filter(Boolean);
  var droppedOut = board.getAttribute("data-dropped-out");
  var status = document.querySelector("[data-board-status]");
  var dragged = null;

  function announce(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function allowedTargets(card) {
    return (card.getAttribute("data-allowed-targets") || "").split(" ").filter(Boolean);
  }

  function columnLabel(column) {
    var title = column.querySelector(".board-column-title span");
    return title ? title.textContent.trim() : column.getAttribute("data-column-status");
  }

  function reset() {
    columns.forEach(function (column) {
      column.classList.remove("is-drop-target", "is-drop-disabled", "is-drop-hover");
      column.removeAttribute("aria-disabled");
    });
    if (dragged) {
      dragged.classList.remove("is-dragging");
    }
    dragged = null;
  }

  function move(card, target) {
    var form = card.querySelector("form.board-move");
    var details = card.querySelector("details");
    form.elements.namedItem("to_status").value = target;
    if (reasonRequired.indexOf(target) !== -1) {
      var field = form.elements.namedItem(target === droppedOut ? "dropout_reason" : "reason");
      if (field && !field.value.trim()) {
        // The move needs a reason: open the form, ask for it, and let the person submit.
        field.required = true;
        if (details) {
          details.open = true;
        }
        card.classList.add("needs-reason");
        field.focus();
        announce(board.getAttribute("data-text-reason") || "");
        return;
      }
    }
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  Array.prototype.forEach.call(board.querySelectorAll(".board-card"), function (card) {
    if (!card.querySelector("form.board-move")) {
      return;
    }
    card.setAttribute("draggable", "true");
    card.classList.add("is-draggable");
    // A link drags its address by default; grabbing the name should move the card instead.
    Array.prototype.forEach.call(card.querySelectorAll("a"), function (link) {
      link.setAttribute("draggable", "false");
    });

    card.addEventListener("dragstart", function (event) {
      // Dragging from a field inside the form selects text; only the card itself moves.
      if (event.target !== card) {
        return;
      }
      dragged = card;
      var allowed = allowedTargets(card);
      var home = card.closest("[data-column-status]");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.getAttribute("data-enrolment"));
      card.classList.add("is-dragging");
      var labels = [];
      columns.forEach(function (column) {
        var target = column.getAttribute("data-column-status");
        if (allowed.indexOf(target) !== -1) {
          column.classList.add("is-drop-target");
          labels.push(columnLabel(column));
        } else if (column !== home) {
          column.classList.add("is-drop-disabled");
          column.setAttribute("aria-disabled", "true");
        }
      });
      announce((board.getAttribute("data-text-targets") || "") + " " + labels.join(", "));
    });
    card.addEventListener("dragend", reset);
  });

  columns.forEach(function (column) {
    column.addEventListener("dragover", function (event) {
      if (dragged && column.classList.contains("is-drop-target")) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        column.classList.add("is-drop-hover");
      }
    });
    column.addEventListener("dragleave", function (event) {
      if (!column.contains(event.relatedTarget)) {
        column.classList.remove("is-drop-hover");
      }
    });
    column.addEventListener("drop", function (event) {
      if (!dragged || !column.classList.contains("is-drop-target")) {
        return;
      }
      event.preventDefault();
      var card = dragged;
      var target = column.getAttribute("data-column-status");
      reset();
      move(card, target);
    });
  });
})();
