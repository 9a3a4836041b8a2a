// JobQueue dashboard: live numbers on the overview (server-sent events, polling when those fail, nothing while the
// tab is hidden), the throughput charts redrawn from them, confirmations and select-all. No inline script anywhere:
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

  document.addEventListener("submit", function (e) {
    var button = e.submitter || e.target.querySelector("[data-confirm]");
    var message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { e.preventDefault(); }
  });

  document.addEventListener("change", function (e) {
    if (e.target.hasAttribute && e.target.hasAttribute("data-select-all")) {
      var boxes = e.target.form.querySelectorAll('input[type="checkbox"][name="id"]');
      for (var i = 0; i < boxes.length; i++) { boxes[i].checked = e.target.checked; }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (document.body.hasAttribute("data-live")) { live(document.body); }
  });
})();
