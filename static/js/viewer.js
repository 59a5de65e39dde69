// The image viewer and the detail page, better with JavaScript: left and right arrow keys
// and swipes follow the previous / next links, Escape follows the viewer's close link,
// and a full screen button. Without JavaScript the same links work as plain links.
(function () {
  "use strict";
  var viewer = document.getElementById("viewer");
  var prev = document.getElementById("viewer-prev") || document.getElementById("detail-prev");
  var next = document.getElementById("viewer-next") || document.getElementById("detail-next");
  var close = document.getElementById("viewer-close");

  function go(link) {
    if (link && link.href) window.location.assign(link.href);
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (typing(event.target)) return;
    if (event.key === "ArrowLeft" && prev) { event.preventDefault(); go(prev); }
    else if (event.key === "ArrowRight" && next) { event.preventDefault(); go(next); }
    else if (event.key === "Escape" && close && !document.fullscreenElement) { event.preventDefault(); go(close); }
  });

  // Swipe: a mostly horizontal move of at least 50 px on the picture.
  var stage = document.getElementById("viewer-stage") || document.querySelector(".hero");
  var startX = null, startY = null;
  if (stage) {
    stage.addEventListener("touchstart", function (event) {
      if (event.touches.length !== 1) { startX = null; return; }
      startX = event.touches[0].clientX;
      startY = event.touches[0].clientY;
    }, { passive: true });
    stage.addEventListener("touchend", function (event) {
      if (startX === null || !event.changedTouches.length) return;
      var dx = event.changedTouches[0].clientX - startX;
      var dy = event.changedTouches[0].clientY - startY;
      startX = null;
      if (Math.abs(dx) < 50 || Math.abs(dx) < Math.abs(dy) * 1.5) return;
      go(dx > 0 ? prev : next);
    }, { passive: true });
  }

  var full = document.getElementById("viewer-fullscreen");
  if (viewer && full && document.fullscreenEnabled) {
    full.hidden = false;
    full.addEventListener("click", function () {
      if (document.fullscreenElement) document.exitFullscreen();
      else viewer.requestFullscreen();
    });
    document.addEventListener("fullscreenchange", function () {
      var on = document.fullscreenElement === viewer;
      full.textContent = on ? "Exit full screen" : "Full screen";
      viewer.classList.toggle("is-fullscreen", on);
    });
  }
})();
