// Renders the findings table from the embedded JSON, a page at a time, so a
// report with 100,000 findings stays responsive. No network access.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const findings = data.findings;
  const pageSize = 100;
  let page = 0;
  let shown = findings;
  const body = document.getElementById("findings-body");
  const status = document.getElementById("findings-status");
  const filter = document.getElementById("findings-filter");
  const severity = document.getElementById("findings-severity");
  const order = ["info", "low", "medium", "high", "critical"];

  function cell(text, cls) {
    const td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text === null || text === undefined ? "" : String(text);
    return td;
  }

  function evidenceCell(list) {
    const td = document.createElement("td");
    for (const ev of list) {
      const a = document.createElement("a");
      a.className = "ev";
      a.href = ev.url;
      a.textContent = ev.ref;
      a.title = ev.what;
      td.appendChild(a);
      td.appendChild(document.createElement("br"));
    }
    return td;
  }

  function render() {
    const pages = Math.max(1, Math.ceil(shown.length / pageSize));
    page = Math.min(Math.max(page, 0), pages - 1);
    const rows = document.createDocumentFragment();
    for (const f of shown.slice(page * pageSize, (page + 1) * pageSize)) {
      const tr = document.createElement("tr");
      tr.setAttribute("data-finding", f.rule_id);
      const sev = document.createElement("td");
      const badge = document.createElement("span");
      badge.className = "sev " + f.severity;
      badge.textContent = f.severity;
      sev.appendChild(badge);
      tr.appendChild(sev);
      tr.appendChild(cell(f.rule_id + " " + f.rule));
      tr.appendChild(cell(f.host || "-"));
      tr.appendChild(cell(f.site || "-"));
      tr.appendChild(cell(f.tool || "-"));
      tr.appendChild(cell(f.summary));
      tr.appendChild(cell(f.count, "num"));
      tr.appendChild(evidenceCell(f.evidence));
      rows.appendChild(tr);
    }
    body.replaceChildren(rows);
    status.textContent = shown.length + " findings, page " + (page + 1) + " of " + pages;
  }

  function apply() {
    const text = filter.value.trim().toLowerCase();
    const min = order.indexOf(severity.value);
    shown = findings.filter(function (f) {
      if (order.indexOf(f.severity) < min) return false;
      if (!text) return true;
      return [f.rule_id, f.rule, f.host, f.site, f.tool, f.summary].join(" ").toLowerCase().includes(text);
    });
    page = 0;
    render();
  }

  document.getElementById("findings-prev").addEventListener("click", function () { page -= 1; render(); });
  document.getElementById("findings-next").addEventListener("click", function () { page += 1; render(); });
  filter.addEventListener("input", apply);
  severity.addEventListener("change", apply);
  apply();
})();
