// The order page: follows /orders/{id}/events (server-sent events) and shows the batch's progress as it happens.
"use strict";

const id = window.location.pathname.split("/").filter(Boolean).pop();
const bar = document.getElementById("bar");
const counts = document.getElementById("counts");
const retries = document.getElementById("retries");
const status = document.getElementById("status");
const events = new EventSource(`/orders/${encodeURIComponent(id)}/events`);

function show(update) {
  bar.max = update.total;
  bar.value = update.succeeded;
  counts.textContent = `${update.succeeded} of ${update.total} tickets ready` + (update.failed ? `, ${update.failed} failed` : "");
  retries.textContent = update.retries ? `${update.retries} retries so far (the ticket service fails now and then).` : "";
}

events.addEventListener("progress", (event) => show(JSON.parse(event.data)));
events.addEventListener("done", (event) => {
  const update = JSON.parse(event.data);
  show(update);
  status.textContent = update.dispatch === "Succeeded" ? "All tickets are on their way to your inbox." : "The order could not be completed.";
  events.close();
});
events.addEventListener("error", () => {
  if (events.readyState === EventSource.CLOSED) {
    status.textContent = "Lost the connection; reload the page to follow the order again.";
  }
});
