// The error summary at the top of a form page (templates/core/_error_summary.html) takes the focus when the page
// opens, so that a screen reader reads it first and the keyboard starts from it. Its links put the focus in the
// field they name, with the field's label or legend in view. Without this script the links still jump to the field.
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();

  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) {
      return;
    }
    event.preventDefault();
    // The label of a radio button or checkbox names one option; the legend of its group names the question.
    var isOption = field.type === "radio" || field.type === "checkbox";
    var fieldset = isOption && field.closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    var label = document.querySelector("label[for='" + CSS.escape(field.id) + "']");
    (legend || label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
