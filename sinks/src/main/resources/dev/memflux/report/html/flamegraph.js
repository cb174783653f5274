"use strict";
// The icicle is d3's own hierarchy and partition layouts drawn as d3-joined divs (text
// clipping for free): d3-flame-graph, which does the same, has no WebJar on Maven
// Central, and a page may not fetch it. The time chart is uPlot.
const data = JSON.parse(document.getElementById("memflux-data").textContent);
const FIELDS = 7; // parent, function, file, line, native, bytes, count: see FlameGraphPage
const ROW = 18;
const IMPORT_SYSTEM = /^<frozen importlib\._bootstrap(_external)?>$/;

document.getElementById("title").textContent = "memflux flame graph: " + data.what + (data.inverted ? " (inverted)" : "");
document.getElementById("summary").textContent = formatBytes(data.total) + " in " + formatCount(data.count)
    + " allocations. Hover a box for details, click it to zoom in; each path runs down "
    + (data.inverted ? "from the frame that allocated to the program's entry (inverted)." : "from the program's entry to the frame that allocated.");
document.getElementById("omitted").textContent = data.omitted.boxes === 0
    ? "Every call path is shown."
    : formatCount(data.omitted.boxes) + (data.omitted.boxes === 1 ? " call path" : " call paths") + " below " + data.omitted.minSharePercent
      + "% of the total each are left out of the graph (" + formatBytes(data.omitted.bytes)
      + " in all; their callers' boxes still count them).";
showMetadata(document.getElementById("meta"), data.meta);

/** The boxes as a tree; with import-system frames hidden, their callees move up to their caller. */
function buildTree(hideImport) {
  const B = data.boxes, S = data.strings;
  const count = B.length / FIELDS;
  const mapped = new Array(count);
  const root = { name: "all", file: "", line: 0, native: false, bytes: B[5], count: B[6], kids: new Map() };
  mapped[0] = root;
  for (let i = 1; i < count; i++) {
    const o = i * FIELDS;
    const parent = mapped[B[o]];
    const file = S[B[o + 2]];
    if (hideImport && IMPORT_SYSTEM.test(file)) { mapped[i] = parent; continue; }
    const key = B[o + 1] + ":" + B[o + 2] + ":" + B[o + 3] + ":" + B[o + 4];
    let node = parent.kids.get(key);
    if (!node) {
      node = { name: S[B[o + 1]], file: file, line: B[o + 3], native: B[o + 4] === 1, bytes: 0, count: 0, kids: new Map() };
      parent.kids.set(key, node);
    }
    node.bytes += B[o + 5];
    node.count += B[o + 6];
    mapped[i] = node;
  }
  const hierarchy = d3.hierarchy(root, d => Array.from(d.kids.values()))
      .sum(d => Math.max(0, d.bytes - Array.from(d.kids.values()).reduce((s, k) => s + k.bytes, 0)))
      .sort((a, b) => b.value - a.value);
  d3.partition()(hierarchy);
  let uid = 0;
  hierarchy.each(d => { d.uid = uid++; });
  return hierarchy;
}

function colour(d) {
  let h = 0;
  for (let i = 0; i < d.data.name.length; i++) h = (h * 31 + d.data.name.charCodeAt(i)) >>> 0;
  return d.data.native ? "hsl(" + (190 + h % 35) + ",60%," + (60 + h % 12) + "%)"
                       : "hsl(" + (10 + h % 40) + ",85%," + (58 + h % 12) + "%)";
}

function where(d) {
  return d.data.line > 0 ? d.data.file + ":" + d.data.line : d.data.file;
}

const flame = d3.select("#flame");
const tip = document.getElementById("tip");
let tree = buildTree(false);
let focus = tree;

function matches(d, term) {
  return term !== "" && (d.data.name.toLowerCase().includes(term) || d.data.file.toLowerCase().includes(term));
}

function render() {
  const width = document.getElementById("flame").clientWidth;
  const term = document.getElementById("search").value.trim().toLowerCase();
  const span = focus.x1 - focus.x0;
  const ancestors = new Set(focus.ancestors());
  const visible = [];
  tree.each(d => {
    if (ancestors.has(d)) { visible.push({ d: d, left: 0, width: width }); return; }
    if (d.x0 < focus.x0 || d.x1 > focus.x1 || d.depth <= focus.depth) return;
    const w = (d.x1 - d.x0) / span * width;
    if (w >= 0.5) visible.push({ d: d, left: (d.x0 - focus.x0) / span * width, width: w });
  });
  let depth = 0;
  for (const v of visible) depth = Math.max(depth, v.d.depth);
  flame.style("height", ((depth + 1) * ROW) + "px");
  flame.selectAll("div.box").data(visible, v => v.d.uid).join("div")
      .attr("class", v => "box" + (matches(v.d, term) ? " match" : "") + (ancestors.has(v.d) && v.d !== focus ? " ancestor" : ""))
      .attr("data-function", v => v.d.data.name)
      .style("left", v => v.left + "px")
      .style("width", v => v.width + "px")
      .style("top", v => v.d.depth * ROW + "px")
      .style("background", v => colour(v.d))
      .text(v => v.width > 20 ? v.d.data.name : "")
      .on("click", (event, v) => { focus = v.d; render(); })
      .on("mousemove", (event, v) => showTip(event, v.d))
      .on("mouseleave", () => { tip.style.display = "none"; });
  let matched = 0;
  if (term !== "") {
    tree.each(d => { if (matches(d, term) && !d.ancestors().slice(1).some(a => matches(a, term))) matched += d.data.bytes; });
    document.getElementById("matched").textContent = "matched " + formatBytes(matched) + " (" + percentOf(matched, data.total) + ")";
  } else {
    document.getElementById("matched").textContent = "";
  }
}

function showTip(event, d) {
  const own = Math.max(0, d.data.bytes - (d.children || []).reduce((s, c) => s + c.data.bytes, 0));
  tip.textContent = d.data.name + (d.data.native ? "  [native]" : "  [python]") + "\n" + where(d)
      + "\n" + formatBytes(d.data.bytes) + "  (" + percentOf(d.data.bytes, data.total) + " of the total)"
      + "\nown: " + formatBytes(own) + "\nallocations: " + formatCount(d.data.count);
  tip.style.display = "block";
  tip.style.left = Math.min(event.clientX + 12, window.innerWidth - tip.offsetWidth - 4) + "px";
  tip.style.top = (event.clientY + 14) + "px";
}

document.getElementById("search").addEventListener("input", render);
document.getElementById("reset").addEventListener("click", () => { focus = tree; render(); });
document.getElementById("hide-import").addEventListener("change", e => { tree = buildTree(e.target.checked); focus = tree; render(); });
window.addEventListener("resize", render);
render();

(function chart() {
  const t = data.timeline;
  const note = document.getElementById("chart-note");
  if (t.ms.length === 0) { note.textContent = "No memory samples in this capture."; return; }
  const mib = v => v < 0 ? null : v / 1048576; // -1: no sample of that series in the point
  // Short runs in milliseconds: seconds would label every tick of a 40 ms run "0".
  const inMs = t.ms[t.ms.length - 1] < 10000;
  const series = [t.ms.map(v => inMs ? v : v / 1000), t.heap.map(mib), t.rss.map(mib)];
  const opts = {
    width: Math.max(300, document.getElementById("flame").clientWidth), height: 200,
    scales: { x: { time: false } },
    axes: [{ label: inMs ? "milliseconds" : "seconds" }, { label: "MiB" }],
    series: [{ label: inMs ? "time (ms)" : "time (s)" },
             { label: "heap (MiB)", stroke: "hsl(10,80%,50%)", fill: "hsla(10,80%,50%,0.15)", width: 1.5, spanGaps: true },
             { label: "RSS (MiB)", stroke: "hsl(210,60%,45%)", width: 1, spanGaps: true }],
  };
  new uPlot(opts, series, document.getElementById("chart"));
  note.textContent = "Heap and resident set over time: " + formatCount(t.ms.length) + (t.ms.length === 1 ? " point" : " points") + ", each the highest in up to "
      + t.spanMs + " ms. The heap peaked at " + (t.peakMs / 1000).toFixed(3) + " s.";
})();
