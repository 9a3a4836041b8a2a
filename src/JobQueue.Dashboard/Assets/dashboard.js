// JobQueue dashboard: live numbers on the overview (server-sent events, polling when those fail, nothing while the
// tab is hidden), the throughput charts redrawn from them, a job's state, attempt and progress live on its detail page
// (the same way), confirmations and select-all. No inline script anywhere:
// the pages run under script-src 'self'.
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var WIDTH = 720, HEIGHT = 160;

  function formatCount(n) { return Number(n).toLocaleString("en-US"); }

  function drawChart(id, bars) {
    var svg = document.querySelector('svg[data-chart="' + id + '"]');
    if (!svg || !bars) { return; }
    var max = 1;
    bars.forEach(function (b) { max = Math.max(max, b.succeeded + b.failed); });
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    var width = WIDTH / Math.max(1, bars.length);
    bars.forEach(function (b, i) {
      var ok = HEIGHT * b.succeeded / max, fail = HEIGHT * b.failed / max;
      var g = document.createElementNS(SVG, "g");
      var title = document.createElementNS(SVG, "title");
      title.textContent = b.start + ": " + b.succeeded + " succeeded, " + b.failed + " failed";
      g.appendChild(title);
      [["ok", HEIGHT - ok, ok], ["fail", HEIGHT - ok - fail, fail]].forEach(function (r) {
        var rect = document.createElementNS(SVG, "rect");
        rect.setAttribute("class", r[0]);
        rect.setAttribute("x", (i * width).toFixed(2));
        rect.setAttribute("y", r[1].toFixed(2));
        rect.setAttribute("width", Math.max(width - 1, 0.5).toFixed(2));
        rect.setAttribute("height", r[2].toFixed(2));
        g.appendChild(rect);
      });
      svg.appendChild(g);
    });
    var peak = document.querySelector('[data-chart-max="' + id + '"]');
    if (peak) { peak.textContent = formatCount(max); }
  }

  function apply(data) {
    Object.keys(data.states || {}).forEach(function (state) {
      var el = document.querySelector('[data-live-state="' + state + '"]');
      if (el) { el.textContent = formatCount(data.states[state]); }
    });
    var rows = document.querySelectorAll("tr[data-queue]");
    (data.queues || []).forEach(function (q) {
      for (var i = 0; i < rows.length; i++) {
        if (rows[i].getAttribute("data-queue") !== q.name) { continue; }
        var set = function (field, value) {
          var cell = rows[i].querySelector('[data-field="' + field + '"]');
          if (cell) { cell.textContent = value; }
        };
        set("enqueued", formatCount(q.enqueued));
        set("running", formatCount(q.running));
        set("latency", q.latency);
        set("status", q.paused ? "paused" : "active");
        var status = rows[i].querySelector('[data-field="status"]');
        if (status && q.unserved) {
          // The same mark the server renders (QueueEndpoints.UnservedMark), built from nodes.
          var mark = document.createElement("span");
          mark.className = "badge unserved";
          mark.title = "Its jobs wait until a worker host that declares this queue with AddQueue, or registers a job type that uses it, runs.";
          mark.textContent = "no host serves this queue";
          status.appendChild(document.createTextNode(" "));
          status.appendChild(mark);
        }
      }
    });
    drawChart("hour", data.lastHour);
    drawChart("day", data.lastDay);
  }

  function live(body) {
    var streamUrl = body.getAttribute("data-live");
    var pollUrl = body.getAttribute("data-poll");
    var seconds = parseInt(body.getAttribute("data-interval"), 10) || 5;
    var source = null, timer = null;

    function poll() {
      fetch(pollUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) { apply(data); } })
        .catch(function () { /* the next poll tries again */ });
    }

    function startPolling() {
      if (timer === null) { timer = setInterval(poll, seconds * 1000); }
    }

    function start() {
      if (window.EventSource) {
        source = new EventSource(streamUrl);
        source.addEventListener("overview", function (e) { apply(JSON.parse(e.data)); });
        source.onerror = function () {
          // A proxy that buffers or cuts streams: fall back to polling rather than reconnecting forever.
          if (source && source.readyState === EventSource.CLOSED) { source = null; startPolling(); }
        };
      } else {
        startPolling();
      }
    }

    function stop() {
      if (source) { source.close(); source = null; }
      if (timer !== null) { clearInterval(timer); timer = null; }
    }

    document.addEventListener("visibilitychange", function () {
      if (document.hidden) { stop(); } else { poll(); start(); }
    });
    if (!document.hidden) { start(); }
  }

  var FINAL = { Succeeded: true, Failed: true, Cancelled: true };
  // Set when a form is submitted: the page is being left, so a live update must not reload it (a reload would cancel
  // the submission's navigation, and with it the notice of what the action did).
  var leaving = false;

  function applyJob(job) {
    var state = document.querySelector('[data-job-field="state"]');
    if (state) {
      state.textContent = job.state;
      state.className = "state state-" + String(job.state).toLowerCase();
    }
    var attempt = document.querySelector('[data-job-field="attempt"]');
    if (attempt) { attempt.textContent = job.attempt + " of " + job.maxAttempts; }
    var box = document.querySelector('[data-job-field="progress"]');
    if (box && job.progress) {
      // Built from nodes, never from markup: the message is the job's own text.
      var percent = Math.max(0, Math.min(100, Number(job.progress.percent) || 0));
      var shown = (Math.round(percent * 10) / 10) + " %";
      var p = document.createElement("p");
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = percent;
      bar.textContent = shown;
      p.appendChild(bar);
      p.appendChild(document.createTextNode(" " + shown + " " + (job.progress.message || "")));
      while (box.firstChild) { box.removeChild(box.firstChild); }
      box.appendChild(p);
    }
  }

  function liveJob(marker) {
    var streamUrl = marker.getAttribute("data-job-live");
    var pollUrl = marker.getAttribute("data-job-poll");
    var seconds = parseInt(marker.getAttribute("data-interval"), 10) || 5;
    var source = null, timer = null, done = false;

    function show(job) {
      applyJob(job);
      if (FINAL[job.state]) { finish(); }
    }

    function finish() {
      // The result, the errors and the actions of a finished job are the server's to render: load the page once more.
      if (done) { return; }
      done = true;
      stop();
      if (!leaving) { window.location.reload(); }
    }

    function poll() {
      fetch(pollUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (job) { if (job && !done) { show(job); } })
        .catch(function () { /* the next poll tries again */ });
    }

    function startPolling() {
      if (timer === null && !done) { timer = setInterval(poll, seconds * 1000); }
    }

    function start() {
      if (done) { return; }
      if (window.EventSource) {
        source = new EventSource(streamUrl);
        source.addEventListener("job", function (e) { show(JSON.parse(e.data)); });
        source.addEventListener("end", function () { finish(); });
        source.onerror = function () {
          // A proxy that buffers or cuts streams: fall back to polling rather than reconnecting forever.
          if (source && source.readyState === EventSource.CLOSED) { source = null; startPolling(); }
        };
      } else {
        startPolling();
      }
    }

    function stop() {
      if (source) { source.close(); source = null; }
      if (timer !== null) { clearInterval(timer); timer = null; }
    }

    document.addEventListener("visibilitychange", function () {
      if (done) { return; }
      if (document.hidden) { stop(); } else { poll(); start(); }
    });
    if (!document.hidden) { start(); }
  }

  document.addEventListener("submit", function (e) {
    var button = e.submitter || e.target.querySelector("[data-confirm]");
    var message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { e.preventDefault(); }
    if (!e.defaultPrevented) { leaving = true; }
  });

  document.addEventListener("change", function (e) {
    if (e.target.hasAttribute && e.target.hasAttribute("data-select-all")) {
      var boxes = e.target.form.querySelectorAll('input[type="checkbox"][name="id"]');
      for (var i = 0; i < boxes.length; i++) { boxes[i].checked = e.target.checked; }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (document.body.hasAttribute("data-live")) { live(document.body); }
    var jobMarker = document.querySelector("[data-job-live]");
    if (jobMarker) { liveJob(jobMarker); }
  });
})();
