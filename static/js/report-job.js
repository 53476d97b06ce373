// The report job page follows its job: every two seconds it asks the status URL and shows the state, the
// progress and, once done, the download button or, once failed, the "try again" button, without a reload.
// The page works without this script; it only saves pressing reload.
(function () {
  "use strict";

  var INTERVAL = 2000;

  function show(card, data) {
    card.dataset.status = data.status;
    card.dataset.waiting = data.waiting_for_queue ? "true" : "false";
    var badge = card.querySelector("[data-job-badge]");
    if (badge) {
      badge.textContent = data.status_label;
      badge.classList.remove("text-bg-success", "text-bg-danger", "text-bg-primary", "text-bg-secondary");
      badge.classList.add(
        { done: "text-bg-success", failed: "text-bg-danger", running: "text-bg-primary" }[data.status] ||
          "text-bg-secondary"
      );
    }
    var message = card.querySelector("[data-job-message]");
    if (message && message.textContent !== data.message) {
      message.textContent = data.message;
    }
    var bar = card.querySelector("[data-job-progress]");
    if (bar) {
      bar.value = data.progress;
    }
    var text = card.querySelector("[data-job-progress-text]");
    if (text) {
      text.textContent = data.progress + "%";
    }
    card.querySelectorAll("[data-job-when]").forEach(function (block) {
      block.hidden = block.dataset.jobWhen.split(" ").indexOf(data.status) === -1;
    });
    var link = card.querySelector("[data-job-download]");
    if (link && data.download_url) {
      link.href = data.download_url;
    }
  }

  function follow(card) {
    var url = card.dataset.statusUrl;
    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("status " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          show(card, data);
          if (!data.finished) {
            window.setTimeout(poll, INTERVAL);
          }
        })
        .catch(function () {
          // A network hiccup or a restarting server: keep trying, a little slower.
          window.setTimeout(poll, INTERVAL * 2);
        });
    }
    var status = card.dataset.status;
    if (status !== "done" && status !== "failed") {
      window.setTimeout(poll, INTERVAL);
    }
  }

  document.querySelectorAll("[data-report-job]").forEach(follow);
})();
