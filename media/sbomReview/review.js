// The SBOM review view: a filterable, sortable table of components with virtualised rows (only the
// rows in sight are in the page, so 10,000 components scroll smoothly), summary counts, the
// dependency graph as a tree opened level by level, and "reveal in text" on a click.
// Talks to the extension with postMessage only; no remote resources.
(function () {
  const vscode = acquireVsCodeApi();
  const ROW_HEIGHT = 24;
  const COLUMNS = [
    ['name', 'Name'], ['version', 'Version'], ['purl', 'Package URL'], ['licenses', 'Licence'],
    ['supplier', 'Supplier'], ['hashes', 'Hashes'], ['verdict', 'Verdict'], ['sourceRepository', 'Source repository'],
  ];
  const state = { model: undefined, shown: [], filter: '', verdict: '', sortKey: 'name', sortDir: 1 };
  const $ = (id) => document.getElementById(id);
  const text = (value) => (Array.isArray(value) ? value.join(', ') : value === undefined ? '' : String(value));

  function buildHead() {
    const head = $('head');
    head.textContent = '';
    for (const [key, label] of COLUMNS) {
      const cell = document.createElement('div');
      cell.textContent = label;
      cell.dataset.key = key;
      cell.setAttribute('role', 'columnheader');
      if (state.sortKey === key) cell.setAttribute('aria-sort', state.sortDir > 0 ? 'ascending' : 'descending');
      cell.addEventListener('click', () => {
        state.sortDir = state.sortKey === key ? -state.sortDir : 1;
        state.sortKey = key;
        apply();
      });
      head.appendChild(cell);
    }
  }

  /** Filter words a row must all contain; `field:value` looks in one column only (licence:MIT, hash:1a2b…). */
  const FIELDS = { name: 'name', version: 'version', purl: 'purl', licence: 'licenses', license: 'licenses', supplier: 'supplier', hash: 'hashes', verdict: 'verdict', source: 'sourceRepository' };
  function matcher(query) {
    const terms = query.toLowerCase().split(/\s+/).filter(Boolean).map((term) => {
      const colon = term.indexOf(':');
      const key = colon > 0 ? FIELDS[term.slice(0, colon)] : undefined;
      return key ? { key, needle: term.slice(colon + 1) } : { needle: term };
    });
    return (r) => terms.every(({ key, needle }) => (key ? [text(r[key])] : [r.name, r.version, r.purl, text(r.licenses), r.supplier]).some((v) => v && v.toLowerCase().includes(needle)));
  }

  function apply() {
    const rows = state.model ? state.model.rows : [];
    const matches = matcher(state.filter);
    state.shown = rows.filter((r) => (!state.verdict || r.verdict === state.verdict) && matches(r));
    const key = state.sortKey;
    state.shown.sort((a, b) => text(a[key]).localeCompare(text(b[key]), undefined, { numeric: true }) * state.sortDir);
    $('spacer').style.height = `${state.shown.length * ROW_HEIGHT}px`;
    $('shown').textContent = `${state.shown.length} of ${rows.length} components`;
    buildHead();
    render();
  }

  function render() {
    const viewport = $('viewport');
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_HEIGHT) - 5);
    const last = Math.min(state.shown.length, first + Math.ceil(viewport.clientHeight / ROW_HEIGHT) + 10);
    const container = $('rows');
    container.style.top = `${first * ROW_HEIGHT}px`;
    container.textContent = '';
    for (let i = first; i < last; i++) {
      const r = state.shown[i];
      const row = document.createElement('div');
      row.className = 'row grid';
      row.setAttribute('role', 'row');
      row.dataset.line = String(r.line);
      row.title = r.reason || '';
      for (const [key] of COLUMNS) {
        const cell = document.createElement('div');
        cell.textContent = text(r[key]);
        if (key === 'verdict') cell.className = `verdict-${r.verdict}`;
        row.appendChild(cell);
      }
      row.addEventListener('click', () => vscode.postMessage({ type: 'reveal', line: r.line }));
      container.appendChild(row);
    }
  }

  function summary() {
    const m = state.model;
    const header = $('summary');
    header.textContent = '';
    const title = document.createElement('strong');
    title.textContent = `${m.format === 'spdx' ? 'SPDX' : 'CycloneDX'} ${m.specVersion || ''}`;
    header.appendChild(title);
    for (const [verdict, count] of Object.entries(m.counts)) {
      const chip = document.createElement('span');
      chip.className = `chip ${verdict}`;
      chip.textContent = `${count} ${verdict}`;
      header.appendChild(chip);
    }
    header.appendChild(signature(m.signature));
    const licences = Object.entries(m.licenses).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([l, n]) => `${l} ${n}`).join(' · ');
    const span = document.createElement('span');
    span.textContent = `Licences: ${licences}`;
    header.appendChild(span);
    const select = $('verdict');
    const current = select.value;
    select.textContent = '';
    for (const value of ['', ...Object.keys(m.counts)]) {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = value || 'every verdict';
      select.appendChild(option);
    }
    select.value = current;
  }

  /** Who signed the SBOM itself (a bundle beside it, or the image attestation it came from). */
  function signature(sig) {
    const span = document.createElement('span');
    span.id = 'signature';
    if (!sig) {
      span.className = 'unsigned-note';
      span.textContent = 'No Sigstore signature found for this SBOM';
      return span;
    }
    span.className = `verdict-${sig.verdict}`;
    span.title = sig.reason;
    span.textContent = sig.verdict === 'verified'
      ? `Signed by ${sig.signer || 'a trusted key'}${sig.issuer ? ` (${sig.issuer})` : ''} — ${sig.source}`
      : `Signature ${sig.verdict}: ${sig.reason} — ${sig.source}`;
    if (sig.logEntryUrl) {
      const link = document.createElement('a');
      link.href = sig.logEntryUrl;
      link.textContent = 'log entry';
      span.append(' · ', link);
    }
    return span;
  }

  /** The dependency graph, one level at a time (a node's children are built when it is opened). */
  function graph() {
    const m = state.model;
    const byRef = new Map(m.rows.filter((r) => r.ref).map((r) => [r.ref, r]));
    const node = (ref, depth) => {
      const row = byRef.get(ref);
      const children = m.graph.children[ref] || [];
      const label = row ? `${row.name}${row.version ? '@' + row.version : ''} — ${row.verdict}` : ref;
      if (children.length === 0 || depth > 50) {
        const leaf = document.createElement('div');
        leaf.textContent = label;
        return leaf;
      }
      const details = document.createElement('details');
      const summaryEl = document.createElement('summary');
      summaryEl.textContent = `${label} (${children.length})`;
      details.appendChild(summaryEl);
      details.addEventListener('toggle', () => {
        if (!details.open || details.dataset.built) return;
        details.dataset.built = '1';
        for (const child of children) details.appendChild(node(child, depth + 1));
      });
      return details;
    };
    const root = $('graph');
    root.textContent = '';
    for (const ref of m.graph.roots.slice(0, 500)) root.appendChild(node(ref, 0));
  }

  /** What changed from another SBOM (or the lockfile) to this one. */
  function changes(against, diff) {
    const root = $('changes');
    root.textContent = '';
    const title = document.createElement('h2');
    title.textContent = `Changes since ${against}: ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed, ${diff.unchanged} unchanged`;
    root.appendChild(title);
    const line = (cls, content) => {
      const div = document.createElement('div');
      div.className = cls;
      div.textContent = content;
      root.appendChild(div);
    };
    for (const c of diff.changed) {
      const what = c.hashChanged ? `${c.from}: same version, DIFFERENT CONTENT` : `${c.from} → ${c.to}`;
      const p = c.provenance;
      const prov = p ? ` — provenance ${p.from || '?'} → ${p.to || '?'}${p.lost ? ' (LOST)' : ''}` : '';
      line(c.hashChanged || (p && p.lost) ? 'change alarm' : 'change', `~ ${c.name} ${what}${prov}`);
    }
    for (const a of diff.added) line('change added', `+ ${a.name}@${a.version || '?'}`);
    for (const r of diff.removed) line('change removed', `- ${r.name}@${r.version || '?'}`);
  }

  window.addEventListener('message', (event) => {
    if (event.data.type === 'diff') return changes(event.data.against, event.data.diff);
    if (event.data.type !== 'model') return;
    state.model = event.data.model;
    summary();
    apply();
    graph();
  });
  $('filter').addEventListener('input', (e) => {
    state.filter = e.target.value;
    apply();
  });
  $('verdict').addEventListener('change', (e) => {
    state.verdict = e.target.value;
    apply();
  });
  $('viewport').addEventListener('scroll', render);
  window.addEventListener('resize', render);
  buildHead();
  vscode.postMessage({ type: 'ready' });
})();
