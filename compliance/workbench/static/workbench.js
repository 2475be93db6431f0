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
    const show = (state) => {
      if (state.total) { bar.max = state.total; bar.value = state.done; count.textContent = state.done + " / " + state.total; }
      if (state.status === "queued") { count.textContent = "排队 queued…"; }
      if (state.status === "done") { out.innerHTML = state.html; }
      if (state.status === "failed") { const p = document.createElement("p"); p.className = "problem"; p.textContent = state.error; out.appendChild(p); }
    };
    try {
      // one request: the server streams one JSON object a line — progress, then the report
      const res = await fetch("/amend/impact", { method: "POST", body });
      if (!res.ok) {
        const problem = await res.json();
        show({ status: "failed", error: res.status + " " + problem.detail + " " + JSON.stringify(problem.problems || []) });
        return;
      }
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffered = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (value) buffered += decoder.decode(value, { stream: true });
        let newline;
        while ((newline = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          if (line.trim()) show(JSON.parse(line));
        }
        if (done) break;
      }
    } finally { run.disabled = false; box.dataset.finished = "1"; }
  });
});
