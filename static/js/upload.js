// Upload page: several files at once, drag and drop, a progress bar per file, and each
// file's result (ready, or refused with the reason) shown without reloading the page.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var input = document.getElementById("file-input");
  var zone = document.getElementById("dropzone");
  var list = document.getElementById("upload-list");
  if (!form || !input) return;
  var maxBytes = parseInt(form.dataset.maxBytes, 10);
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var queue = [], active = 0, LIMIT = 2;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function fmt(n) { return n > 1048576 ? (n / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(n / 1024)) + " KB"; }

  function add(file) {
    var item = el("li", "upload-item");
    var preview = el("div", "preview");
    var body = el("div");
    var name = el("div", "name", file.name + " · " + fmt(file.size));
    var bar = el("progress"); bar.max = 100; bar.value = 0;
    var state = el("div", "state", "Waiting…");
    body.append(name, bar, state); item.append(preview, body); list.prepend(item);
    if (file.size > maxBytes) { done(item, bar, state, false, "Too large: the limit is " + fmt(maxBytes) + "."); return; }
    queue.push({ file: file, item: item, bar: bar, state: state, preview: preview });
    pump();
  }

  function done(item, bar, state, ok, text, href) {
    item.classList.add(ok ? "ok" : "failed");
    bar.value = 100; bar.hidden = true;
    state.textContent = "";
    if (href) { var a = el("a", null, text); a.href = href; state.append(a); } else { state.textContent = text; }
  }

  function pump() {
    while (active < LIMIT && queue.length) send(queue.shift());
  }

  function send(job) {
    active++;
    var data = new FormData();
    data.append("file", job.file);
    data.append("visibility", form.querySelector("[name=visibility]").value);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    job.state.textContent = "Uploading…";
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) {
        job.bar.value = Math.round((e.loaded / e.total) * 90);
        if (e.loaded === e.total) job.state.textContent = "Processing…";
      }
    };
    xhr.onload = function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
      var r = body && body.results ? body.results[0] : null;
      if (xhr.status < 300 && r && r.ok) {
        if (r.thumb_url) { var img = el("img"); img.src = r.thumb_url; img.alt = r.title || ""; job.preview.append(img); }
        done(job.item, job.bar, job.state, true, "Ready · " + r.width + "×" + r.height + " · open", r.url);
      } else {
        var detail = (body && (body.detail || (r && r.detail))) || ("Upload failed (HTTP " + xhr.status + ").");
        done(job.item, job.bar, job.state, false, "Refused: " + detail);
      }
      active--; pump();
    };
    xhr.onerror = function () { done(job.item, job.bar, job.state, false, "Network error: the upload did not reach the server."); active--; pump(); };
    xhr.send(data);
  }

  input.addEventListener("change", function () { Array.prototype.forEach.call(input.files, add); input.value = ""; });
  ["dragenter", "dragover"].forEach(function (t) { zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); }); });
  ["dragleave", "drop"].forEach(function (t) { zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove("over"); }); });
  zone.addEventListener("drop", function (e) { Array.prototype.forEach.call(e.dataTransfer.files, add); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
})();
