// Upload page: many files at once, each sent straight to the bucket with a presigned POST
// (a progress bar per file and one for all), then "Processing…" until the pipeline is done,
// then the thumbnail, without reloading. A queue with a running count ("Uploading 7 of 19"),
// cancel and retry per file, a warning before leaving while files are still on their way,
// and a summary at the end. Without JavaScript the form posts the files through the page.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var input = document.getElementById("file-input");
  var zone = document.getElementById("dropzone");
  var list = document.getElementById("upload-list");
  var queueBox = document.getElementById("upload-queue");
  var summary = document.getElementById("upload-summary");
  var overall = document.getElementById("upload-overall");
  var cancelAll = document.getElementById("upload-cancel-all");
  if (!form || !input) return;
  var maxBytes = parseInt(form.dataset.maxBytes, 10);
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var jobs = [], waiting = [], active = 0, LIMIT = 3, POLL_MS = 1200, POLL_LIMIT = 600;
  var SETTLED = { ready: 1, rejected: 1, quarantined: 1, failed: 1 };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function fmt(n) { return n >= 1048576 ? (n / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(n / 1024)) + " KB"; }
  function url(template, id) { return template.replace("IMAGE_ID", encodeURIComponent(id)); }
  function parse(xhr) { try { return JSON.parse(xhr.responseText); } catch (e) { return null; } }

  // ----------------------------------------------------------------- the list
  function add(file) {
    var job = { file: file, loaded: 0, phase: "queued", xhr: null, id: null };
    job.item = el("li", "upload-item");
    job.preview = el("div", "preview");
    var body = el("div", "upload-body");
    job.name = el("div", "name", file.name + " · " + fmt(file.size));
    job.bar = el("progress"); job.bar.max = 100; job.bar.value = 0;
    job.bar.setAttribute("aria-label", file.name);
    job.state = el("div", "state", "Waiting…");
    job.actions = el("div", "upload-actions");
    body.append(job.name, job.bar, job.state, job.actions);
    job.item.append(job.preview, body);
    list.append(job.item);
    jobs.push(job);
    if (file.size > maxBytes) {
      finish(job, "refused", "Too large: " + fmt(file.size) + "; the limit is " + fmt(maxBytes) + ".");
    } else if (file.size === 0) {
      finish(job, "refused", "The file is empty.");
    } else {
      enqueue(job);
    }
    update();
  }

  function buttons(job) {
    job.actions.textContent = "";
    if (job.phase === "queued" || job.phase === "uploading") {
      var cancel = el("button", "secondary small", "Cancel");
      cancel.type = "button";
      cancel.setAttribute("aria-label", "Cancel " + job.file.name);
      cancel.addEventListener("click", function () { stop(job); });
      job.actions.append(cancel);
    } else if (job.phase === "error" || job.phase === "cancelled") {
      var retry = el("button", "secondary small", "Try again");
      retry.type = "button";
      retry.setAttribute("aria-label", "Try " + job.file.name + " again");
      retry.addEventListener("click", function () {
        job.item.classList.remove("failed", "cancelled");
        job.bar.hidden = false; job.bar.value = 0; job.loaded = 0;
        enqueue(job); update();
      });
      job.actions.append(retry);
    }
  }

  function enqueue(job) {
    job.phase = "queued"; job.id = null;
    job.state.textContent = "Waiting…";
    buttons(job);
    waiting.push(job);
    pump();
  }

  function stop(job) {
    if (job.phase === "queued") {
      waiting = waiting.filter(function (j) { return j !== job; });
      finish(job, "cancelled", "Cancelled.");
    } else if (job.phase === "uploading") {
      job.cancelled = true;  // a start request still on its way ends as cancelled too
      if (job.xhr) job.xhr.abort();
    }
    update();
  }

  // outcome: "ready" | "refused" (the file is not accepted) | "error" (try again) | "cancelled"
  function finish(job, outcome, text, href) {
    job.phase = outcome;
    job.item.classList.add(outcome === "ready" ? "ok" : outcome === "cancelled" ? "cancelled" : "failed");
    job.bar.value = 100; job.bar.hidden = true;
    job.state.textContent = "";
    if (href) { var a = el("a", null, text); a.href = href; job.state.append(a); } else { job.state.textContent = text; }
    buttons(job);
    update();
  }

  function update() {
    var count = { total: 0, ready: 0, refused: 0, error: 0, cancelled: 0, busy: 0 };
    var bytes = 0, sent = 0;
    jobs.forEach(function (j) {
      count.total++;
      if (j.phase in count) count[j.phase]++; else count.busy++;
      if (j.phase !== "cancelled" && j.phase !== "refused") { bytes += j.file.size; sent += j.phase === "queued" || j.phase === "uploading" ? j.loaded : j.file.size; }
    });
    if (!count.total) return;
    queueBox.hidden = false;
    var done = count.ready + count.refused + count.error + count.cancelled;
    var parts = [];
    if (count.ready) parts.push(count.ready + " ready");
    if (count.refused) parts.push(count.refused + " refused");
    if (count.error) parts.push(count.error + " failed");
    if (count.cancelled) parts.push(count.cancelled + " cancelled");
    if (count.busy) {
      var current = Math.min(count.total, done + 1);
      summary.textContent = "Uploading " + current + " of " + count.total + (parts.length ? " · " + parts.join(" · ") : "");
    } else {
      summary.textContent = "Done: " + count.total + (count.total === 1 ? " file" : " files") + " · " + parts.join(" · ") + ".";
    }
    overall.value = bytes ? Math.round((sent / bytes) * 100) : 100;
    cancelAll.hidden = !jobs.some(function (j) { return j.phase === "queued" || j.phase === "uploading"; });
  }

  // ----------------------------------------------------------------- the requests
  function pump() {
    while (active < LIMIT && waiting.length) { active++; begin(waiting.shift()); }
  }
  function release() { active--; pump(); update(); }

  function api(method, target, body, onDone) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, target);
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    if (body) xhr.setRequestHeader("Content-Type", "application/json");
    xhr.onload = function () { onDone(xhr.status, parse(xhr)); };
    xhr.onerror = function () { onDone(0, null); };
    xhr.send(body ? JSON.stringify(body) : null);
  }

  function problem(status, body, what) {
    if (body && body.detail) return body.detail;
    if (status === 0) return "Network error: " + what + " did not reach the server.";
    return what + " failed (HTTP " + status + ").";
  }

  function begin(job) {
    job.phase = "uploading"; job.cancelled = false;
    job.state.textContent = "Preparing…";
    buttons(job);
    var body = {
      filename: job.file.name,
      size: job.file.size,
      content_type: job.file.type || "application/octet-stream",
      visibility: form.querySelector("[name=visibility]").value
    };
    api("POST", form.dataset.startUrl, body, function (status, answer) {
      if (job.cancelled) { finish(job, "cancelled", "Cancelled."); release(); return; }
      if (status !== 201 || !answer || !answer.upload) {
        var refused = status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 429;
        finish(job, refused ? "refused" : "error", (refused ? "Refused: " : "") + problem(status, answer, "Starting the upload"));
        release(); return;
      }
      job.id = answer.id;
      send(job, answer.upload);
    });
  }

  function send(job, upload) {
    var data = new FormData();
    Object.keys(upload.fields).forEach(function (k) { data.append(k, upload.fields[k]); });
    data.append("file", job.file);  // the file last, as S3 requires
    var xhr = new XMLHttpRequest();
    job.xhr = xhr;
    xhr.open("POST", upload.url);
    job.state.textContent = "Uploading…";
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      job.loaded = Math.min(job.file.size, e.loaded);
      job.bar.value = Math.round((e.loaded / e.total) * 100);
      job.state.textContent = "Uploading… " + fmt(job.loaded) + " of " + fmt(job.file.size);
      update();
    };
    xhr.onload = function () {
      job.xhr = null;
      if (xhr.status < 200 || xhr.status >= 300) {
        var m = /<Message>([^<]*)<\/Message>/.exec(xhr.responseText || "");
        finish(job, "error", "The storage refused the file" + (m ? ": " + m[1] : " (HTTP " + xhr.status + ")") + ".");
        release(); return;
      }
      job.loaded = job.file.size;
      complete(job);
    };
    xhr.onerror = function () { job.xhr = null; finish(job, "error", "Network error: the file did not reach the storage."); release(); };
    xhr.onabort = function () { job.xhr = null; finish(job, "cancelled", "Cancelled."); release(); };
    xhr.send(data);
  }

  function complete(job) {
    job.phase = "processing";
    job.bar.removeAttribute("value");  // indeterminate while the server works
    job.state.textContent = "Processing…";
    buttons(job);
    update();
    api("POST", url(form.dataset.completeUrl, job.id), null, function (status, answer) {
      release();
      if (status !== 202 || !answer) { finish(job, "error", problem(status, answer, "Finishing the upload")); return; }
      show(job, answer, 0);
    });
  }

  function show(job, answer, polls) {
    if (answer.status === "ready") {
      if (answer.thumb_url) { var img = el("img"); img.src = answer.thumb_url; img.alt = ""; job.preview.append(img); }
      finish(job, "ready", "Ready · " + answer.width + "×" + answer.height + " · open", answer.url);
    } else if (answer.status in SETTLED) {
      var label = answer.status === "quarantined" ? "Quarantined: " : answer.status === "failed" ? "Failed: " : "Refused: ";
      finish(job, answer.status === "failed" ? "error" : "refused", label + (answer.reason || answer.status) + (answer.status === "failed" ? " (open the image to try again)" : ""));
    } else if (polls >= POLL_LIMIT) {
      finish(job, "error", "Still " + answer.status + " after a long wait; your gallery will show it when it is done.");
    } else {
      job.state.textContent = answer.status === "scanning" ? "Checking the file…" : "Processing…";
      setTimeout(function () {
        api("GET", url(form.dataset.statusUrl, job.id), null, function (status, next) {
          if (status === 200 && next) show(job, next, polls + 1);
          else if (status === 0 || status >= 500) show(job, answer, polls + 1);
          else finish(job, "error", problem(status, next, "Checking the upload"));
        });
      }, POLL_MS);
    }
  }

  // ----------------------------------------------------------------- the page
  function busy() { return jobs.some(function (j) { return j.phase === "queued" || j.phase === "uploading"; }); }
  window.addEventListener("beforeunload", function (e) {
    if (!busy()) return undefined;
    e.preventDefault();
    e.returnValue = "Files are still uploading. Leave the page and stop them?";
    return e.returnValue;
  });
  cancelAll.addEventListener("click", function () { jobs.slice().forEach(function (j) { if (j.phase === "queued" || j.phase === "uploading") stop(j); }); });
  input.addEventListener("change", function () { Array.prototype.forEach.call(input.files, add); input.value = ""; });
  ["dragenter", "dragover"].forEach(function (t) { zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); }); });
  ["dragleave", "drop"].forEach(function (t) { zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove("over"); }); });
  zone.addEventListener("drop", function (e) { Array.prototype.forEach.call(e.dataTransfer.files, add); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
})();
