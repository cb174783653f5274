"use strict";
const data = JSON.parse(document.getElementById("memflux-data").textContent);
// A row: function, file, line, own bytes, own allocations, total bytes, total allocations, and with
// data.threads (more than one thread allocated) the thread's number (see TablePage).
const TIDS = new Map((data.threads || []).map(([number, tid]) => [number, tid]));
const threadOf = r => TIDS.get(r[7]) ? r[7] + " (tid " + TIDS.get(r[7]) + ")" : String(r[7]);
const COLUMNS = [
  ...(data.threads ? [{ title: "Thread", at: 7, show: threadOf }] : []),
  { title: "Function", at: 0, text: true },
  { title: "Location", at: 1, text: true, show: r => r[2] > 0 ? r[1] + ":" + r[2] : r[1] },
  { title: "Own bytes", at: 3, show: r => formatBytes(r[3]) },
  { title: "Own %", at: 3, show: r => percentOf(r[3], data.total) },
  { title: "Own allocations", at: 4, show: r => formatCount(r[4]) },
  { title: "Total bytes", at: 5, show: r => formatBytes(r[5]) },
  { title: "Total %", at: 5, show: r => percentOf(r[5], data.total) },
  { title: "Total allocations", at: 6, show: r => formatCount(r[6]) },
];
let sortBy = COLUMNS.findIndex(c => c.title === "Own bytes"), descending = true;

document.getElementById("title").textContent = "memflux table: " + data.what;
document.getElementById("summary").textContent = formatBytes(data.total) + " in " + formatCount(data.count)
    + " allocations. Click a heading to sort; own: made by the location itself, total: made while it was on the stack.";
const what = data.threads ? ["row", "rows"] : ["location", "locations"];
document.getElementById("omitted").textContent = data.omitted.rows === 0 ? "Every " + what[0] + " is shown."
    : formatCount(data.omitted.rows) + " " + what[data.omitted.rows === 1 ? 0 : 1] + " whose total is below " + data.omitted.minSharePercent
      + "% of the whole are left out (" + formatBytes(data.omitted.ownBytes) + " of own bytes in all).";
showMetadata(document.getElementById("meta"), data.meta);

const head = document.querySelector("#rows thead tr");
COLUMNS.forEach((c, i) => {
  const th = document.createElement("th");
  th.textContent = c.title;
  th.addEventListener("click", () => { descending = sortBy === i ? !descending : !c.text; sortBy = i; render(); });
  head.appendChild(th);
});
document.getElementById("filter").addEventListener("input", render);
if (data.threads) document.getElementById("filter").placeholder = "Filter by function, file or thread";

function render() {
  const term = document.getElementById("filter").value.trim().toLowerCase();
  const c = COLUMNS[sortBy];
  const rows = data.rows.filter(r => term === "" || r[0].toLowerCase().includes(term) || r[1].toLowerCase().includes(term)
      || (data.threads && threadOf(r).includes(term)));
  rows.sort((a, b) => {
    const x = a[c.at], y = b[c.at];
    const order = c.text ? String(x).localeCompare(String(y)) || a[2] - b[2] : x - y;
    return descending ? -order : order;
  });
  Array.from(head.children).forEach((th, i) => { th.className = i === sortBy ? "sorted " + (descending ? "down" : "up") : ""; });
  const body = document.createElement("tbody");
  for (const r of rows) {
    const tr = body.insertRow();
    COLUMNS.forEach(col => {
      const td = tr.insertCell();
      td.textContent = col.show ? col.show(r) : r[col.at];
      if (!col.text) td.className = "num";
    });
  }
  document.querySelector("#rows tbody").replaceWith(body);
  const bytes = rows.reduce((s, r) => s + r[3], 0);
  document.getElementById("shown").textContent = formatCount(rows.length) + " of " + formatCount(data.rows.length)
      + " rows, " + formatBytes(bytes) + " own";
}
render();
