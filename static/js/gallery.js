// The gallery's selection mode, better with JavaScript: a "select all on this page"
// checkbox, a live count, and the action buttons enabled only while something is picked.
// Without JavaScript the same form works: a link selects all, the server counts.
(function () {
  "use strict";
  var form = document.getElementById("bulk-form");
  if (!form) return;
  var picks = Array.prototype.slice.call(form.querySelectorAll("input.pick"));
  var all = document.getElementById("select-all");
  var allLabel = document.getElementById("select-all-label");
  var allLink = document.getElementById("select-all-link");
  var count = document.getElementById("selection-count");
  var buttons = [document.getElementById("bulk-apply"), document.getElementById("bulk-delete")];

  if (all && allLabel && allLink) {
    allLabel.hidden = false;
    allLink.hidden = true;
  }

  function update() {
    var n = picks.filter(function (p) { return p.checked; }).length;
    count.textContent = n === 0 ? "No images selected." : n === 1 ? "1 image selected." : n + " images selected.";
    buttons.forEach(function (b) { if (b) b.disabled = n === 0; });
    if (all) {
      all.checked = n > 0 && n === picks.length;
      all.indeterminate = n > 0 && n < picks.length;
    }
    picks.forEach(function (p) {
      var card = p.closest(".card");
      if (card) card.classList.toggle("picked", p.checked);
    });
  }

  picks.forEach(function (p) { p.addEventListener("change", update); });
  if (all) {
    all.addEventListener("change", function () {
      picks.forEach(function (p) { p.checked = all.checked; });
      update();
    });
  }
  update();
})();
