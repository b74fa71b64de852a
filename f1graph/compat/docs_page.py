"""``/api/v1/docs``: a self-contained page that renders ``openapi.json`` (no network assets)."""

from __future__ import annotations

DOCS_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>f1graph legacy REST API</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#222}
h1{font-size:1.5rem} h2{border-bottom:1px solid #ccc;margin-top:2rem;text-transform:capitalize}
details{border:1px solid #ddd;border-radius:4px;margin:.4rem 0;padding:.3rem .6rem}
summary{cursor:pointer} code,pre{font:13px ui-monospace,monospace}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;max-height:24rem}
.m{display:inline-block;width:4.5rem;font-weight:bold}.GET{color:#07a}.POST{color:#080}
.DELETE{color:#b00} table{border-collapse:collapse} td,th{border:1px solid #ddd;padding:2px 6px}
input{width:14rem} button{margin:.3rem 0}
</style></head>
<body><h1>f1graph legacy REST API</h1><p id="intro">Loading openapi.json&hellip;</p>
<div id="routes"></div>
<script>
"use strict";
const el = (tag, props = {}, ...kids) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...kids);
  return node;
};
function paramTable(params) {
  const table = el("table", {}, el("tr", {}, ...["name", "in", "type", "required",
    "description", "value"].map(h => el("th", {}, h))));
  const inputs = {};
  for (const p of params) {
    const s = p.schema || {};
    const type = s.enum ? s.enum.join(" | ") : (s.format || s.type || "");
    inputs[p.name] = el("input", {value: p.example ?? "", placeholder: p.name});
    table.append(el("tr", {}, el("td", {}, el("code", {}, p.name)), el("td", {}, p.in),
      el("td", {}, type), el("td", {}, p.required ? "yes" : ""),
      el("td", {}, p.description || ""), el("td", {}, inputs[p.name])));
  }
  return [table, inputs];
}
function tryIt(method, path, params, inputs, out) {
  let url = path;
  const query = new URLSearchParams();
  for (const p of params) {
    const v = inputs[p.name].value;
    if (p.in === "path") url = url.replace("{" + p.name + "}", encodeURIComponent(v));
    else if (v !== "") query.set(p.name, v);
  }
  const qs = query.toString();
  out.textContent = method + " " + url + (qs ? "?" + qs : "") + " ...";
  fetch(url + (qs ? "?" + qs : ""), {method}).then(async r => {
    const text = await r.text();
    let shown = text;
    try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (e) {}
    out.textContent = r.status + " " + r.statusText + "\\n" + shown;
  }).catch(e => { out.textContent = String(e); });
}
fetch("openapi.json").then(r => r.json()).then(doc => {
  document.getElementById("intro").textContent = doc.info.description;
  const groups = {};
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      (groups[op.tags[0]] ||= []).push([method.toUpperCase(), path, op]);
    }
  }
  const root = document.getElementById("routes");
  for (const [tag, ops] of Object.entries(groups)) {
    root.append(el("h2", {}, tag));
    for (const [method, path, op] of ops) {
      const params = op.parameters || [];
      const [table, inputs] = paramTable(params);
      const out = el("pre", {});
      const button = el("button", {type: "button"}, "Send");
      button.onclick = () => tryIt(method, path, params, inputs, out);
      root.append(el("details", {},
        el("summary", {}, el("span", {className: "m " + method}, method), el("code", {}, path),
          " \\u2014 " + op.summary),
        el("p", {}, "Errors: " + Object.keys(op.responses).filter(s => s !== "200").join(", ")),
        params.length ? table : el("p", {}, "No parameters."), button, out,
        el("details", {}, el("summary", {}, "GraphQL operation"),
          el("pre", {}, op.description.replace(/^[^`]*```graphql\\n|```$/g, "")))));
    }
  }
}).catch(e => { document.getElementById("intro").textContent = "Could not load: " + e; });
</script></body></html>
"""
