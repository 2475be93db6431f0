// lexgraph workbench: the impact run with its progress bar. Plain JavaScript, no network but this server.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const upload = document.getElementById("upload-form");
  if (upload) {
    upload.addEventListener("submit", async (event) => {
      event.preventDefault();
      const out = document.getElementById("upload-result");
      out.textContent = "…";
      const res = await fetch("/v1/amendments", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer " + document.getElementById("upload-token").value },
        body: JSON.stringify({ source: document.getElementById("upload-source").value }),
      });
      const body = await res.json();
      if (res.status === 201) {
        window.location.href = "/amend?amendment=" + encodeURIComponent(body.id);
        return;
      }
      out.className = "problem";
      out.textContent = res.status + " " + body.detail + (body.problems ? " — " + body.problems.map((p) => p.path + ": " + p.message).join("; ") : "");
    });
  }
  const run = document.getElementById("run-impact");
  if (!run) return;
  run.addEventListener("click", async () => {
    const form = document.getElementById("amend-form");
    const body = new URLSearchParams(new FormData(form));
    body.set("amendment", run.dataset.amendment);
    const box = document.getElementById("impact-progress");
    const bar = document.getElementById("impact-bar");
    const count = document.getElementById("impact-count");
    const out = document.getElementById("impact");
    out.innerHTML = "";
    box.hidden = false; bar.value = 0; count.textContent = "…";
    run.disabled = true;
    try {
      const started = await fetch("/amend/impact", { method: "POST", body });
      const start = await started.json();
      if (!started.ok) { out.innerHTML = ""; const p = document.createElement("p"); p.className = "problem"; p.textContent = start.detail + " " + JSON.stringify(start.problems || []); out.appendChild(p); return; }
      for (;;) {
        const res = await fetch("/amend/impact/" + start.job);
        const state = await res.json();
        if (state.total) { bar.max = state.total; bar.value = state.done; count.textContent = state.done + " / " + state.total; }
        if (state.status === "queued") { count.textContent = "排队 queued…"; }
        if (state.status === "done") { out.innerHTML = state.html; break; }
        if (state.status === "failed" || !res.ok) { const p = document.createElement("p"); p.className = "problem"; p.textContent = state.error || state.detail; out.appendChild(p); break; }
        await new Promise((r) => setTimeout(r, 150));
      }
    } finally { run.disabled = false; box.dataset.finished = "1"; }
  });
});
