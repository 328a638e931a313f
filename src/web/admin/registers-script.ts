// Enhances the progress page without a reload; without JavaScript the page refreshes itself.
export const REGISTER_PROGRESS_SCRIPT = `
const el = document.getElementById("import-progress");
if (el && el.dataset.state === "running") {
  const tick = async () => {
    const r = await fetch(el.dataset.poll, { credentials: "same-origin" });
    if (!r.ok) return;
    const p = await r.json();
    const bar = el.querySelector("progress");
    bar.max = Math.max(p.total, 1); bar.value = p.processed;
    el.querySelector("[data-processed]").textContent = p.processed;
    el.querySelector("[data-total]").textContent = p.total;
    if (p.state !== "running") location.reload(); else setTimeout(tick, 500);
  };
  setTimeout(tick, 500);
}`;
