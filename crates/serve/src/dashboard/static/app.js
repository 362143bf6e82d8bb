// rmmguard dashboard: live updates by server-sent events. Rows are built
// from DOM nodes and textContent only: evidence never becomes markup.
'use strict';

(function () {
  const findings = document.getElementById('finding-rows');
  const incidents = document.getElementById('incident-rows');
  const live = document.getElementById('live');
  if (!findings && !incidents) {
    return;
  }

  function say(text, state) {
    live.hidden = false;
    live.textContent = text;
    live.className = 'live ' + state;
  }

  function cell(className, text) {
    const td = document.createElement('td');
    td.className = className;
    td.textContent = text === null || text === undefined || text === '' ? '—' : String(text);
    return td;
  }

  function rowWhere(tbody, key, value) {
    for (const row of tbody.rows) {
      if (row.dataset[key] === value) {
        return row;
      }
    }
    return null;
  }

  function bump(id, by) {
    const count = document.getElementById(id);
    if (count) {
      count.textContent = String(Number(count.textContent) + by);
    }
  }

  function severityClass(severity) {
    return /^[a-z]+$/.test(severity) ? 'sev-' + severity : '';
  }

  function finding(f) {
    if (!findings) {
      return;
    }
    const row = document.createElement('tr');
    row.dataset.id = f.id;
    row.className = severityClass(f.severity) + ' fresh';
    row.appendChild(cell('sev', f.severity));
    const rule = cell('rule', '');
    const link = document.createElement('a');
    link.href = '/dashboard?rule=' + encodeURIComponent(f.rule_id);
    link.textContent = f.rule_id;
    rule.replaceChildren(link);
    row.appendChild(rule);
    row.appendChild(cell('title', f.title));
    row.appendChild(cell('host', f.host));
    row.appendChild(cell('site', f.site));
    row.appendChild(cell('tool', f.tool));
    row.appendChild(cell('tenant', f.tenant));
    row.appendChild(cell('summary', f.summary));
    row.appendChild(cell('count', f.count));
    row.appendChild(cell('time', f.last_seen));
    const old = rowWhere(findings, 'id', f.id);
    if (old) {
      old.replaceWith(row);
    } else {
      findings.insertBefore(row, findings.firstChild);
      bump('finding-count', 1);
    }
  }

  function retired(r) {
    const old = findings && rowWhere(findings, 'id', r.id);
    if (old) {
      old.classList.add('retired');
    }
  }

  function chain(steps) {
    const list = document.createElement('ol');
    list.className = 'chain';
    for (const step of steps) {
      const item = document.createElement('li');
      item.className = step.reached ? 'reached' : 'missing';
      item.textContent = step.stage;
      list.appendChild(item);
    }
    return list;
  }

  function incident(i) {
    if (!incidents) {
      return;
    }
    const number = String(Number(i.number));
    const old = rowWhere(incidents, 'number', number);
    const row = document.createElement('tr');
    row.dataset.number = number;
    row.className = severityClass(i.severity) + ' fresh';
    const num = cell('num', '');
    const link = document.createElement('a');
    link.href = '/dashboard/incidents/' + number;
    link.textContent = '#' + number;
    num.replaceChildren(link);
    row.appendChild(num);
    row.appendChild(cell('sev', i.severity));
    const oldStatus = old && old.querySelector('td.status');
    row.appendChild(cell('status', i.status || (oldStatus ? oldStatus.textContent : 'open')));
    row.appendChild(cell('title', i.title));
    const stages = cell('stages', '');
    stages.replaceChildren(chain(i.chain));
    row.appendChild(stages);
    row.appendChild(cell('hosts', i.hosts));
    row.appendChild(cell('sites', i.sites));
    row.appendChild(cell('tool', i.tool));
    row.appendChild(cell('tenant', i.tenant));
    row.appendChild(cell('time', i.last_seen));
    const oldAssignee = old && old.querySelector('td.assignee');
    row.appendChild(cell('assignee', oldAssignee ? oldAssignee.textContent : ''));
    if (i.change === 'closed') {
      row.classList.add('closed');
    }
    if (old) {
      old.replaceWith(row);
    } else {
      incidents.insertBefore(row, incidents.firstChild);
      bump('incident-count', 1);
    }
  }

  function on(source, name, handle) {
    source.addEventListener(name, function (event) {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      handle(data);
    });
  }

  const source = new EventSource('/dashboard/events' + window.location.search);
  on(source, 'hello', function () { say('live', 'on'); });
  on(source, 'finding', finding);
  on(source, 'retired', retired);
  on(source, 'incident', incident);
  on(source, 'missed', function () { say('updates missed: reload', 'off'); });
  source.addEventListener('error', function () { say('reconnecting…', 'off'); });
}());
