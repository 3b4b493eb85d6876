/* guarantor web app: editor tabs, problems that jump to their line, live sweep progress. */
(function () {
  "use strict";
  function showTab(id) {
    document.querySelectorAll(".g-tab").forEach(function (tab) { tab.hidden = tab.id !== id; });
    document.querySelectorAll(".g-tabs button").forEach(function (b) {
      b.classList.toggle("active", b.getAttribute("data-tab") === id);
    });
  }
  function jumpToLine(line) {
    var area = document.getElementById("yaml-text");
    if (!area || !line) return;
    showTab("yaml-tab");
    var lines = area.value.split("\n");
    var start = lines.slice(0, line - 1).join("\n").length + (line > 1 ? 1 : 0);
    area.focus();
    area.setSelectionRange(start, start + (lines[line - 1] || "").length);
    area.scrollTop = Math.max(0, (line - 5) * 18);
  }
  function pollSweep(box) {
    var url = box.getAttribute("data-poll");
    var section = box.querySelector(".g-sweep");
    if (!section || section.getAttribute("data-state") !== "running") return;
    setTimeout(function () {
      fetch(url).then(function (r) { return r.json(); }).then(function (data) {
        var p = data.progress;
        section.setAttribute("data-state", p.state);
        box.querySelector(".g-progress-bar").style.width = (p.share * 100).toFixed(1) + "%";
        box.querySelector(".g-state").textContent = p.state;
        box.querySelector(".g-done").textContent = p.chunks_done;
        if (p.state === "running") pollSweep(box); else if (p.state === "finished") location.reload();
      });
    }, 3000);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".g-tabs button").forEach(function (b) {
      b.addEventListener("click", function () { showTab(b.getAttribute("data-tab")); });
    });
    document.querySelectorAll(".g-problems li[data-line]").forEach(function (li) {
      li.addEventListener("click", function () { jumpToLine(parseInt(li.getAttribute("data-line"), 10)); });
    });
    if (document.querySelector(".g-problems") && document.getElementById("yaml-tab")) showTab("yaml-tab");
    var box = document.getElementById("sweep");
    if (box) pollSweep(box);
  });
})();
