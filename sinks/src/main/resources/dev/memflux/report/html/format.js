// Shared by the report pages: sizes and counts for people, as the text reports write them.
function formatBytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n, u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return u === 0 ? n + " B" : v.toFixed(2) + " " + units[u];
}
function formatCount(n) { return n.toLocaleString("en-US"); }
function percentOf(part, whole) { return whole > 0 ? (100 * part / whole).toFixed(2) + "%" : "0%"; }
// The run's metadata; a capture cut short is also said under the title, where it is seen.
function showMetadata(table, rows) {
  for (const [label, value] of rows) {
    if (label === "Cut short" && value.startsWith("yes")) {
      const warning = document.createElement("p");
      warning.className = "warning";
      warning.textContent = "Warning: the capture was cut short (" + value.substring(5) + "): it shows what was recorded until then.";
      document.querySelector("h1").after(warning);
    }
    const tr = table.insertRow();
    tr.insertCell().textContent = label;
    tr.insertCell().textContent = value;
  }
}
