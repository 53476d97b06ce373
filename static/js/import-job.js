// A referral list being checked or imported by a worker: every two seconds the page asks its job's progress and
// moves the bar; once the worker is done, the page reloads to show the row report. Without this script the page
// reloads itself (a refresh in <noscript>).
(function () {
  "use strict";

  var INTERVAL = 2000;

  function follow(card) {
    var url = card.dataset.progressUrl;
    var bar = card.querySelector("[data-job-bar]");
    var text = card.querySelector("[data-job-text]");
    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("status " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          if (!data.in_progress || data.status !== card.dataset.status) {
            window.location.reload();
            return;
          }
          if (bar && data.status === "checking") {
            bar.value = data.percentage;
          }
          if (text) {
            text.textContent = data.progress_text;
          }
          window.setTimeout(poll, INTERVAL);
        })
        .catch(function () {
          window.setTimeout(poll, INTERVAL * 2);
        });
    }
    window.setTimeout(poll, INTERVAL);
  }

  document.querySelectorAll("[data-progress-url]").forEach(follow);
})();
