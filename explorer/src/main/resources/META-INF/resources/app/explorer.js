// The explorer's pages: reads the path, fetches the page's JSON from /api and renders it with DOM
// calls (text only: nothing from the chain is ever parsed as HTML).
(function () {
  'use strict';
  const page = document.getElementById('page');

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k === 'class') e.className = v; else if (k === 'onclick') e.onclick = v; else e.setAttribute(k, v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  const link = (href, text) => el('a', { href }, text);
  const short = (h) => (h && h.length > 18 ? h.slice(0, 10) + '…' + h.slice(-6) : h);
  const addr = (a) => (a ? link('/address/' + a, short(a)) : '');
  const txLink = (h) => link('/tx/' + h, short(h));
  const blockLink = (n) => link('/block/' + n, String(n));
  const time = (s) => (s === null || s === undefined ? '' : new Date(Number(s) * 1000).toISOString().replace('.000Z', 'Z'));
  const rep = (r) => (r === null || r === undefined ? '' : (Number(BigInt(r) * 1000000n / 10n ** 18n) / 1e6).toFixed(4));
  const statusText = (s) => (s === 1 ? el('span', { class: 'ok' }, 'success') : s === 0 ? el('span', { class: 'bad' }, 'reverted') : '');

  async function api(path) {
    const r = await fetch('/api' + path, { headers: { Accept: 'application/json' } });
    const body = await r.json();
    if (!r.ok) throw new Error(body.detail || ('HTTP ' + r.status));
    return body;
  }
  function table(columns, rows, id) {
    return el('table', { id },
      el('thead', {}, el('tr', {}, columns.map((c) => el('th', {}, c[0])))),
      el('tbody', {}, rows.map((r) => el('tr', {}, columns.map((c) => el('td', { class: c[2] }, c[1](r)))))));
  }
  function dl(pairs) {
    return el('dl', {}, pairs.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  }
  function csv(path) {
    return el('p', {}, link('/api' + path + (path.includes('?') ? '&' : '?') + 'format=csv', 'Download CSV'));
  }
  function show(title, ...content) {
    document.title = title + ' · B-DT explorer';
    page.replaceChildren(el('h1', {}, title), ...content);
  }

  /** An SVG line chart of series {name: [[x, y], ...]}. */
  function chart(series, xLabel, yLabel) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'chart');
    svg.setAttribute('viewBox', '0 0 900 260');
    svg.setAttribute('id', 'reputation-chart');
    const pts = Object.values(series).flat();
    if (pts.length === 0) {
      const t = document.createElementNS(ns, 'text');
      t.setAttribute('x', 20); t.setAttribute('y', 30); t.textContent = 'no slots closed yet';
      svg.append(t);
      return svg;
    }
    const xs = pts.map((p) => p[0]); const ys = pts.map((p) => p[1]);
    const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 1), y0 = 0, y1 = Math.max(...ys, 1e-9);
    const X = (x) => 60 + (x - x0) / (x1 - x0) * 700, Y = (y) => 230 - (y - y0) / (y1 - y0) * 200;
    const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
    Object.entries(series).forEach(([name, p], i) => {
      const line = document.createElementNS(ns, 'polyline');
      line.setAttribute('fill', 'none'); line.setAttribute('stroke', colors[i % colors.length]); line.setAttribute('stroke-width', '2');
      line.setAttribute('points', p.map(([x, y]) => X(x) + ',' + Y(y)).join(' '));
      svg.append(line);
      const label = document.createElementNS(ns, 'text');
      label.setAttribute('x', 770); label.setAttribute('y', 30 + 18 * i); label.setAttribute('fill', colors[i % colors.length]);
      label.textContent = short(name);
      svg.append(label);
    });
    for (const [txt, x, y] of [[yLabel + ' ' + y1.toFixed(3), 5, 25], ['0', 40, 232], [xLabel + ' ' + x0 + '…' + x1, 300, 255]]) {
      const t = document.createElementNS(ns, 'text');
      t.setAttribute('x', x); t.setAttribute('y', y); t.setAttribute('font-size', '12'); t.textContent = txt;
      svg.append(t);
    }
    return svg;
  }
  function reputationChart(rows) {
    const series = {};
    for (const r of rows) (series[r.ap] = series[r.ap] || []).push([Number(r.slot), Number(rep(r.reputation))]);
    return chart(series, 'slot', 'R_m');
  }

  const pages = [
    [/^\/$/, home],
    [/^\/block\/([^/]+)$/, block],
    [/^\/tx\/([^/]+)$/, tx],
    [/^\/address\/([^/]+)$/, address],
    [/^\/devices$/, devices],
    [/^\/device\/([^/]+)$/, device],
    [/^\/reputation$/, reputation],
    [/^\/anchors$/, anchors],
    [/^\/twin\/([^/]+)$/, twin],
    [/^\/search$/, search],
  ];

  async function home() {
    const d = await api('/home');
    show('Chain',
      el('div', { class: 'cards' },
        el('div', { class: 'card', id: 'head' }, 'Indexed head', el('b', {}, String(d.status.indexed))),
        el('div', { class: 'card' }, 'Node head', el('b', {}, String(d.status.nodeHead))),
        el('div', { class: 'card', id: 'hashrate' }, 'Hash rate', el('b', {}, Math.round(d.hashRate) + ' H/s')),
        el('div', { class: 'card' }, 'Reorganisations', el('b', {}, String(d.status.reorgs)))),
      el('h2', {}, 'Reputation R_m over slots'), reputationChart(d.reputation),
      el('h2', {}, 'Latest blocks'),
      table([['Block', (b) => blockLink(b.number)], ['Miner', (b) => addr(b.miner)], ['Difficulty', (b) => b.difficulty],
        ['Time', (b) => time(b.timestamp_s)], ['Txs', (b) => b.tx_count]], d.blocks, 'latest-blocks'),
      csv('/blocks'),
      el('h2', {}, 'Latest transactions'),
      table([['Hash', (t) => txLink(t.hash)], ['Block', (t) => blockLink(t.block_number)], ['From', (t) => addr(t.from_addr)],
        ['To', (t) => addr(t.to_addr)], ['Call', (t) => (t.contract ? t.contract + '.' + (t.method || '?') : '')],
        ['Status', (t) => statusText(t.status)]], d.transactions, 'latest-txs'));
  }

  async function block(n) {
    const b = await api('/block/' + encodeURIComponent(n));
    show('Block ' + b.number,
      dl([['Hash', b.hash], ['Parent', b.number > 0 ? link('/block/' + (b.number - 1), b.parent_hash) : b.parent_hash],
        ['Miner', addr(b.miner)], ['Difficulty D_m', b.difficulty], ['Time', time(b.timestamp_s)],
        ['Gas used / limit', b.gas_used + ' / ' + b.gas_limit], ['Base fee (wei)', b.base_fee], ['Size (bytes)', b.size_bytes]]),
      el('p', {}, link('/block/' + (b.number + 1), 'Next block →')),
      el('h2', {}, b.transactions.length + ' transactions'),
      table([['#', (t) => t.tx_index], ['Hash', (t) => txLink(t.hash)], ['From', (t) => addr(t.from_addr)],
        ['To', (t) => (t.to_addr ? addr(t.to_addr) : el('span', {}, 'create ', addr(t.created)))],
        ['Call', (t) => (t.contract ? t.contract + '.' + (t.method || '?') : '')], ['Gas used', (t) => t.gas_used],
        ['Status', (t) => statusText(t.status)]], b.transactions, 'block-txs'));
  }

  function decodedView(d) {
    if (!d) return el('span', { class: 'muted' }, 'not a B-DT contract call');
    return el('div', {}, el('b', {}, d.contract + '.' + d.signature), el('pre', { class: 'decoded' }, JSON.stringify(d.args, null, 2)));
  }

  async function tx(hash) {
    const t = await api('/tx/' + encodeURIComponent(hash));
    show('Transaction',
      dl([['Hash', t.hash], ['Status', statusText(t.status)], ['Revert reason', t.revert_reason || '—'],
        ['Block', blockLink(t.block_number)], ['From', addr(t.from_addr)], ['To', t.to_addr ? addr(t.to_addr) : 'contract creation'],
        ['Created', t.created ? addr(t.created) : '—'], ['Value (wei)', t.value_wei], ['Nonce', t.nonce],
        ['Gas limit / used', t.gas_limit + ' / ' + t.gas_used], ['Gas price (wei)', t.gas_price],
        ['Contract', t.contract ? t.contract + (t.method ? '.' + t.method : '') : '—']]),
      el('h2', {}, 'Input'), decodedView(t.decoded),
      el('details', {}, el('summary', {}, 'raw input (' + (t.input.length - 2) / 2 + ' bytes)'), el('pre', { class: 'mono' }, t.input)),
      el('h2', {}, t.logs.length + ' event logs'),
      table([['#', (l) => l.log_index], ['Address', (l) => addr(l.address)],
        ['Event', (l) => (l.event ? l.contract + '.' + l.event : el('span', { class: 'muted mono' }, l.topics.split(',')[0] || ''))],
        ['Arguments', (l) => (l.decoded ? el('pre', { class: 'decoded' }, JSON.stringify(l.decoded.args, null, 2)) : el('span', { class: 'mono' }, l.data))]],
      t.logs, 'tx-logs'));
  }

  async function address(a) {
    const d = await api('/address/' + encodeURIComponent(a));
    const parts = [dl([['Address', d.address], ['Balance (wei)', d.balanceWei ?? d.nodeError], ['Nonce', d.nonce ?? ''],
      ['Code', d.codeSize ? d.codeSize + ' bytes' : 'none (account)'], ['B-DT contract', d.contract ? d.contract.name : '—'],
      ['Blocks mined', d.minedBlocks]])];
    if (d.state && d.state.devices) parts.push(el('h2', {}, 'Registered devices'), devicesTable(d.state.devices));
    if (d.state && d.state.accessPoints) parts.push(el('h2', {}, 'Access point reputations'), apTable(d.state.accessPoints));
    if (d.state && d.state.anchors) parts.push(el('h2', {}, 'Anchors'), anchorTable(d.state.anchors));
    parts.push(el('h2', {}, 'Transactions'),
      table([['Hash', (t) => txLink(t.hash)], ['Block', (t) => blockLink(t.block_number)], ['From', (t) => addr(t.from_addr)],
        ['To', (t) => addr(t.to_addr || t.created)], ['Call', (t) => (t.contract ? t.contract + '.' + (t.method || '?') : '')],
        ['Status', (t) => statusText(t.status)]], d.transactions, 'address-txs'),
      csv('/address/' + d.address));
    show(d.contract ? d.contract.name + ' ' + short(d.address) : 'Address ' + short(d.address), ...parts);
  }

  function devicesTable(rows) {
    return table([['Device', (d) => link('/device/' + d.device_id, short(d.device_id))], ['Gateway', (d) => addr(d.gateway)],
      ['Model', (d) => d.model], ['Status', (d) => el('span', { class: d.status === 'active' ? 'ok' : 'bad' }, d.status)],
      ['Registered in', (d) => (d.registered_block === null ? '' : blockLink(d.registered_block))], ['Events', (d) => d.events]], rows, 'devices');
  }
  async function devices() {
    const rows = await api('/devices');
    show('Devices (DeviceRegistry)', devicesTable(rows), csv('/devices'));
  }
  async function device(id) {
    const d = await api('/device/' + encodeURIComponent(id));
    show('Device ' + (d.name || short(d.deviceId)),
      dl([['Device id (bytes32)', d.deviceId], ['Name', d.name || '—']]),
      el('h2', {}, 'History'),
      table([['Event', (h) => el('span', { class: h.kind === 'revoked' ? 'bad' : 'ok' }, h.kind)], ['Gateway', (h) => addr(h.gateway)],
        ['Model', (h) => h.model], ['Block', (h) => blockLink(h.block_number)], ['Transaction', (h) => txLink(h.tx_hash)],
        ['Time', (h) => time(h.timestamp_s)]], d.history, 'device-history'));
  }

  function apTable(rows) {
    return table([['AP', (a) => addr(a.ap)], ['R_m', (a) => rep(a.reputation)], ['Last slot', (a) => a.lastSlot],
      ['Receipts', (a) => a.receipts], ['Difficulty D_m', (a) => a.difficulty], ['Blocks won', (a) => a.blocksWon],
      ['Share won', (a) => (100 * a.shareWon).toFixed(1) + ' %'], ['Share predicted by D_m', (a) => (100 * a.sharePredicted).toFixed(1) + ' %']],
    rows, 'reputation-table');
  }
  async function reputation() {
    const d = await api('/reputation');
    show('Reputation', apTable(d.accessPoints), csv('/reputation'), el('h2', {}, 'R_m over slots'), reputationChart(d.series));
  }

  function anchorTable(rows) {
    return table([['Anchor', (a) => a.anchor_id], ['Gateway', (a) => addr(a.gateway)], ['Root', (a) => el('span', { class: 'mono' }, short(a.root))],
      ['Leaves', (a) => a.leaf_count], ['Gap (s)', (a) => (a.gapSeconds === undefined || a.gapSeconds === null ? '' : a.gapSeconds)],
      ['Block', (a) => blockLink(a.block_number)], ['Transaction', (a) => txLink(a.tx_hash)]], rows, 'anchors');
  }
  async function anchors() {
    const d = await api('/anchors');
    show('Anchors (TwinAnchor)',
      table([['Gateway', (g) => addr(g.gateway)], ['Anchors', (g) => g.anchors], ['Leaves', (g) => g.leaves],
        ['First', (g) => time(g.first_s)], ['Last', (g) => time(g.last_s)]], d.gateways, 'anchor-gateways'),
      el('h2', {}, 'Roots'), anchorTable(d.anchors), csv('/anchors'));
  }

  async function rpc(method, params) {
    const r = await fetch('/rpc', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
    const body = await r.json();
    if (body.error) throw new Error(method + ': ' + body.error.message);
    return body.result;
  }

  /** Checks one record against its on-chain anchor, in this browser; returns {ok, reason}. */
  async function audit(rec) {
    if (rec.anchorId === null || rec.anchorId === undefined) {
      return { ok: false, pending: true, reason: 'root ' + rec.root + ' is not anchored on chain (yet): nothing to check against' };
    }
    const item = Merkle.hexToBytes(rec.item);
    const text = new TextDecoder().decode(item);
    if (rec.itemText !== undefined && rec.itemText !== text) {
      return { ok: false, reason: 'the record shown differs from the bytes whose proof was sent' };
    }
    const recomputed = Merkle.bytesToHex(Merkle.rootOf(item, rec.proof));
    const anchor = await rpc('eth_call', [{ to: rec.anchorContract, data: Merkle.anchorOfCall(rec.anchorId) }, 'latest']);
    const chainRoot = '0x' + anchor.slice(2 + 64, 2 + 128);
    const verified = await rpc('eth_call', [{ to: rec.anchorContract, data: Merkle.verifyCall(rec.anchorId, item, rec.proof) }, 'latest']);
    const onChain = BigInt(verified) === 1n;
    if (recomputed === chainRoot && onChain) {
      return { ok: true, reason: 'leaf and root recomputed here equal anchor #' + rec.anchorId + "'s on-chain root " + chainRoot + '; TwinAnchor.verify returned true' };
    }
    return { ok: false, reason: 'recomputed root ' + recomputed + (recomputed === chainRoot ? ' equals' : ' differs from') +
      ' anchor #' + rec.anchorId + "'s on-chain root " + chainRoot + '; TwinAnchor.verify returned ' + onChain };
  }

  async function twin(thingId) {
    const id = decodeURIComponent(thingId);
    const d = await api('/twin/' + encodeURIComponent(id));
    const rows = d.records.map((rec, i) => {
      const verdict = el('span', { class: 'verdict-cell' }, '');
      const anchored = rec.anchorId !== null && rec.anchorId !== undefined;
      const button = el('button', { class: 'verify', 'data-index': String(i), 'data-anchor-id': anchored ? String(rec.anchorId) : null }, 'Verify');
      button.onclick = async () => {
        button.disabled = true;
        verdict.replaceChildren(el('span', { class: 'muted' }, 'checking…'));
        try {
          // fetch the record and its proof afresh from the owning gateway, then check it here
          const fresh = await api('/twin/' + encodeURIComponent(id));
          const now = fresh.records.find((r) => r.root === rec.root && r.index === rec.index) || rec;
          const result = await audit(now);
          const word = result.pending ? 'not anchored yet' : result.ok ? 'verified' : 'tampered';
          verdict.replaceChildren(el('span', { class: 'verdict ' + (result.ok ? 'ok' : result.pending ? 'muted' : 'bad') }, word),
            el('div', { class: 'reason muted' }, result.reason));
        } catch (e) {
          verdict.replaceChildren(el('span', { class: 'verdict bad' }, 'error'), el('div', { class: 'reason' }, e.message));
        } finally {
          button.disabled = false;
        }
      };
      return { rec, verdict, button };
    });
    show('Twin ' + id,
      dl([['Thing', id], ['Gateway', d.gateway || '—'], ['Records', String(d.records.length)]]),
      d.errors.length ? el('p', { class: 'bad' }, d.errors.join('; ')) : '',
      table([['Kind', (r) => r.rec.kind], ['Record', (r) => el('span', { class: 'mono' }, r.rec.itemText)],
        ['Anchor', (r) => (r.rec.anchorId === null || r.rec.anchorId === undefined ? 'not yet on chain' : el('span', {}, '#' + r.rec.anchorId + ' in ', blockLink(r.rec.anchorBlock)))],
        ['Leaf', (r) => r.rec.index + ' of ' + r.rec.leafCount], ['Audit', (r) => el('div', {}, r.button, r.verdict)]], rows, 'twin-records'));
  }

  async function search() {
    const q = new URLSearchParams(location.search).get('q') || '';
    document.getElementById('q').value = q;
    const r = await api('/search?q=' + encodeURIComponent(q));
    if (r.url) {
      location.replace(r.url);
      return;
    }
    show('Search', el('p', { id: 'no-match' }, r.detail));
  }

  async function route() {
    try {
      const s = await api('/status');
      document.getElementById('status').textContent = 'indexed ' + s.indexed + ' of ' + s.nodeHead + (s.newHeads ? ' · newHeads' : ' · polling') + (s.lastError ? ' · ' + s.lastError : '');
    } catch (e) {
      document.getElementById('status').textContent = 'status unavailable';
    }
    for (const [re, render] of pages) {
      const m = location.pathname.match(re);
      if (m) {
        try {
          await render(...m.slice(1));
        } catch (e) {
          show('Not available', el('p', { class: 'bad', id: 'error' }, e.message));
        }
        return;
      }
    }
    show('Not found', el('p', {}, 'No page at ' + location.pathname));
  }
  route();
})();
