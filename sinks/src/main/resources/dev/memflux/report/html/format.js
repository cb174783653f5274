// Shared by the report pages: sizes and counts for people, as the text reports write them.
function formatBytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n, u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return u === 0 ? n + " B" : v.toFixed(2) + " " + units[u];
}
function formatCount(n) { return n.toLocaleString("en-US"); }
function percentOf(part, whole) { return whole > 0 ? (100 * part / whole).toFixed(2) + "%" : "0%"; }
function showMetadata(table, rows) {
  for (const [label, value] of rows) {
    const tr = table.insertRow();
    tr.insertCell().textContent = label;
    tr.insertCell().textContent = value;
  }
}
