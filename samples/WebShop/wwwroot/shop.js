// The start page: posts the two forms as JSON and shows the answer; an order opens its live page.
"use strict";

async function post(url, body) {
  const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const json = await response.json().catch(() => ({}));
  return { ok: response.ok, json };
}

document.getElementById("signup").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const { ok, json } = await post("/signup", { email: form.get("email") });
  document.getElementById("signup-result").textContent = ok ? json.message : (json.title || "Something went wrong.");
});

document.getElementById("order").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const { ok, json } = await post("/orders", { email: form.get("email"), tickets: Number(form.get("tickets")) });
  if (ok) {
    window.location.href = json.page;
  } else {
    document.getElementById("order-result").textContent = json.title || "Something went wrong.";
  }
});
