// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // "Copy link" buttons: shown only when the clipboard can be used.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById("copy-status");
    navigator.clipboard.writeText(field.value).then(function () {
      if (status) status.textContent = "Link copied.";
    }, function () {
      field.select();
      if (status) status.textContent = "Select the link and copy it.";
    });
  });
  // The live panel: say so when an update fails, and clear that once one succeeds. The
  // answers stay in the form either way, so nothing is lost.
  function liveError(text) {
    var box = document.getElementById("live-error");
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
  }
  document.addEventListener("htmx:responseError", function () {
    liveError("The leaning could not be updated just now; your answers are kept. Change an answer to try again.");
  });
  document.addEventListener("htmx:sendError", function () {
    liveError("The guide could not be reached; your answers are kept. Check the connection and change an answer to try again.");
  });
  document.addEventListener("htmx:timeout", function () {
    liveError("The leaning took too long to update; your answers are kept. Change an answer to try again.");
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "live") liveError("");
  });
  // A team room polls its changing part; the browser revalidates it (ETag, 304) and hands
  // back the same body while nothing changed: it is then left in place, so the focus and
  // what a screen reader is reading stay where they were.
  var roomSeen = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "room-live") return;
    var text = event.detail.xhr.responseText;
    if (text === roomSeen || event.detail.xhr.status === 304) event.detail.shouldSwap = false;
    roomSeen = text;
  });
  // The interview: a new step starts at its top (when the last one was scrolled past it) and
  // takes the focus to its question once it has settled in, so keyboard and screen reader
  // users start there, as after a full page load.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (target && target.id === "interview") {
      var step = target.querySelector(".step");
      if (step && step.getBoundingClientRect().top < 0) step.scrollIntoView({ block: "start" });
      var title = target.querySelector("[data-step-title]");
      if (title) title.focus({ preventScroll: true });
    }
  });
  // One action per question: a choice picked with a pointer (mouse, finger, pen) sends the
  // step. Keys only move the choice (arrows) or pick it (Space); Enter or the Next button
  // sends it, so nobody moving through the choices by keyboard is sent on at the first
  // arrow. Screen readers pick without a pointer too, and keep the Next button.
  // A press that ends without a click (dragged off the choice) counts for a few seconds only,
  // so a later click from a screen reader is not taken for it.
  var pressedAt = -Infinity;
  document.addEventListener("pointerdown", function (event) {
    var choice = event.target.closest && event.target.closest("[data-auto-advance] .choice");
    pressedAt = choice ? event.timeStamp : -Infinity;
  }, true);
  ["keydown", "pointercancel"].forEach(function (type) {
    document.addEventListener(type, function () { pressedAt = -Infinity; }, true);
  });
  document.addEventListener("click", function (event) {
    var input = event.target;
    if (event.timeStamp - pressedAt > 5000) return;
    if (!input.matches || !input.matches("[data-auto-advance] input[type=radio]")) return;
    pressedAt = -Infinity;
    // A click on the choice already picked (one Back brought back) sends the step too.
    if (input.form.requestSubmit) input.form.requestSubmit();
  });

  function showCopyButtons() {
    if (!navigator.clipboard) return;
    document.querySelectorAll("[data-copy]").forEach(function (b) { b.hidden = false; });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showCopyButtons);
  } else {
    showCopyButtons();
  }
})();
