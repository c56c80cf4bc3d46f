// The operators' marketplace page. It reads server-sent events from /dashboard/marketplace/api/events through fetch()
// (EventSource cannot send the Authorization header, and the key never goes into a URL the server sees), renders each
// `snapshot` event into the sections, and reconnects when the stream ends. The key lives in sessionStorage (this tab
// only); a `#key=` fragment is read once and removed from the address bar. Every value is written with textContent:
// job ids, labels and notes come from clients and are never parsed as HTML. Choosing a job id opens its history,
// fetched with the same key, and the page recomputes its hash chain (SHA-256 through crypto.subtle, which browsers
// offer on https and on localhost only; elsewhere the panel says the chain was not checked here).
"use strict";

(function () {
  const API = "/dashboard/marketplace/api";
  const KEY_ITEM = "marketplace.operatorApiKey";
  const RECENT_JOBS = 25;

  let controller = null;
  let retryMs = 2000;
  let retryTimer = 0;

  // --- the key ---------------------------------------------------------------------------------------------------
  function takeKeyFromFragment() {
    const match = /^#key=([^&]*)/.exec(window.location.hash);
    if (!match) return;
    const key = decodeURIComponent(match[1]).trim();
    if (key) sessionStorage.setItem(KEY_ITEM, key);
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }

  function currentKey() { return sessionStorage.getItem(KEY_ITEM) || ""; }

  // --- connection ------------------------------------------------------------------------------------------------
  function setConnection(state, text) {
    const badge = document.getElementById("connection");
    badge.dataset.state = state;
    badge.textContent = text;
  }

  function showProblem(status, problem) {
    const box = document.getElementById("problem");
    box.replaceChildren();
    if (!problem) { box.hidden = true; return; }
    box.append(el("strong", null, status + " " + (problem.code || "error")), ": " + (problem.detail || problem.title || ""));
    if (status === 401) box.append(" Enter an operator's API key above.");
    if (status === 403) box.append(" This key is valid but not an operator's (Marketplace:Api:Operators).");
    box.hidden = false;
  }

  function scheduleReconnect(delay) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, delay);
  }

  async function connect() {
    clearTimeout(retryTimer);
    if (controller) controller.abort();
    controller = new AbortController();
    const signal = controller.signal;
    const headers = { Accept: "text/event-stream" };
    const key = currentKey();
    if (key) headers.Authorization = "Bearer " + key;
    setConnection("connecting", "connecting");
    let response;
    try {
      response = await fetch(API + "/events?limit=" + RECENT_JOBS, { headers, signal, cache: "no-store" });
    } catch (error) {
      if (signal.aborted) return;
      setConnection("reconnecting", "silo unreachable, retrying");
      scheduleReconnect(retryMs);
      return;
    }

    if (!response.ok) {
      const problem = await readProblem(response);
      showProblem(response.status, problem);
      if (response.status === 401 || response.status === 403) {
        // Retrying cannot help until the operator gives another key.
        setConnection(response.status === 401 ? "unauthorized" : "forbidden", response.status === 401 ? "no valid key" : "not an operator");
        return;
      }
      setConnection("reconnecting", "error " + response.status + ", retrying");
      scheduleReconnect(retryAfter(response) || retryMs * 2);
      return;
    }

    showProblem(0, null);
    setConnection("live", "live");
    document.body.dataset.streams = String(Number(document.body.dataset.streams || 0) + 1);
    try {
      await readEvents(response.body, signal);
    } catch (error) {
      if (signal.aborted) return;
    }
    if (signal.aborted) return;
    setConnection("reconnecting", "reconnecting");
    scheduleReconnect(250);
  }

  async function readProblem(response) {
    const type = response.headers.get("Content-Type") || "";
    if (!type.includes("json")) return { code: "error", detail: response.statusText };
    try { return await response.json(); } catch (error) { return { code: "error", detail: response.statusText }; }
  }

  function retryAfter(response) {
    const seconds = Number(response.headers.get("Retry-After"));
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
  }

  // Server-sent events (text/event-stream): events end with a blank line; `event:`, `data:` and `retry:` fields.
  async function readEvents(body, signal) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    while (!signal.aborted) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = "message";
        const data = [];
        for (const line of block.split("\n")) {
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "event") name = text;
          else if (field === "data") data.push(text);
          else if (field === "retry" && /^\d+$/.test(text)) retryMs = Math.max(250, Number(text));
        }
        if (name === "snapshot" && data.length) render(JSON.parse(data.join("\n")));
        if (name === "end") return;
      }
    }
  }

  // --- rendering -------------------------------------------------------------------------------------------------
  function el(tag, className, ...children) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function badge(state) { return el("span", "state state-" + state, state.replace(/_/g, " ")); }
  function shortId(id, keep) { return id && id.length > keep + 1 ? id.slice(0, keep) + "…" : (id || ""); }
  function idCell(id, keep) { const cell = el("td", "id", shortId(id, keep)); cell.title = id || ""; return cell; }
  function num(value) { return el("td", "num", value); }
  function time(iso) { return iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : "–"; }
  function ms(value) {
    if (value === null || value === undefined) return "–";
    return value < 1000 ? Math.round(value) + " ms" : (value / 1000).toFixed(value < 10000 ? 2 : 1) + " s";
  }
  function bytes(value) {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
    return (unit === 0 ? value : value.toFixed(1)) + " " + units[unit];
  }
  function plural(count, noun) { return count + " " + noun + (count === 1 ? "" : "s"); }
  function amount(value) { return value === null || value === undefined ? "–" : Number(value).toLocaleString("en-US"); }

  function fillRows(tableId, rows, columns, emptyText) {
    const body = document.querySelector("#" + tableId + " tbody");
    if (rows.length === 0) {
      const cell = el("td", "empty", emptyText);
      cell.colSpan = columns;
      body.replaceChildren(el("tr", null, cell));
      return;
    }
    body.replaceChildren(...rows);
  }

  function tiles(containerId, counts, nameOf) {
    document.getElementById(containerId).replaceChildren(...counts.map(count => {
      const tile = el("div", "tile", el("span", "value", count.count), el("span", "label", badge(nameOf(count))));
      tile.dataset.state = nameOf(count);
      return tile;
    }));
  }

  function sectionNote(id, problem, text) {
    const note = document.getElementById(id);
    note.classList.toggle("section-problem", Boolean(problem));
    note.textContent = problem ? "Could not read this section: " + problem + "." : text;
  }

  function render(snapshot) {
    document.getElementById("generated-at").textContent = time(snapshot.generated_at);
    renderJobs(snapshot.jobs);
    renderThroughput(snapshot.throughput);
    renderWorkers(snapshot.workers);
    renderVerification(snapshot.verification);
    renderStorage(snapshot.storage);
    renderSettlement(snapshot.settlement);
    document.body.dataset.snapshots = String(Number(document.body.dataset.snapshots || 0) + 1);
  }

  function jobLinkCell(job) {
    const button = el("button", "job-link", shortId(job.job_id, 14));
    button.type = "button";
    button.title = "history of " + job.job_id;
    button.dataset.jobId = job.job_id;
    button.dataset.clientId = job.client_id;
    const cell = el("td", "id", button);
    return cell;
  }

  function renderJobs(jobs) {
    sectionNote("jobs-note", jobs.problem,
      plural(jobs.listed, "job") + " in the lists of " + plural(jobs.clients, "client") + " with API keys" + (jobs.clients_truncated ? " (more clients not read)" : "") + ".");
    tiles("job-states", jobs.by_state, count => count.state);
    fillRows("recent-jobs", jobs.recent.map(job => {
      const row = el("tr", null,
        jobLinkCell(job), el("td", null, job.client_id), idCell(job.program_id, 12),
        el("td", "job-state", badge(job.state)), el("td", null, time(job.created_at)), num(ms(job.latency_ms)),
        idCell(job.worker_id, 12), num(amount(job.price_per_million_fuel)), num(amount(job.fuel_consumed)),
        el("td", null, job.verification ? badge(job.verification) : "–"), idCell(job.receipt_hash, 10),
        el("td", null, job.escrow === "none" ? "–" : badge(job.escrow)));
      row.dataset.jobId = job.job_id;
      row.dataset.state = job.state;
      return row;
    }), 12, "No jobs yet.");
  }

  function renderThroughput(throughput) {
    document.getElementById("per-minute").textContent = throughput.problem ? "–" : throughput.per_minute;
    document.getElementById("completed-window").textContent = throughput.problem ? "–" : throughput.completed;
    document.getElementById("window-label").textContent = "completed in " + throughput.window_minutes + " min";
    document.getElementById("latency-p50").textContent = ms(throughput.p50_ms);
    document.getElementById("latency-p95").textContent = ms(throughput.p95_ms);
    const top = Math.max(1, ...throughput.completed_per_minute);
    document.getElementById("per-minute-bars").replaceChildren(...throughput.completed_per_minute.map((count, i, all) => {
      const bar = el("div", "bar");
      bar.style.height = (100 * count / top) + "%";
      bar.title = count + " completed, " + (all.length - i) + " min ago";
      return bar;
    }));
  }

  function renderWorkers(workers) {
    sectionNote("workers-note", workers.problem,
      workers.online + " of " + plural(workers.total, "worker") + " online; " + workers.running + " running, " + workers.queued +
      " queued, capacity " + workers.capacity + (workers.truncated ? " (more workers not shown)" : "") + ".");
    fillRows("worker-table", workers.workers.map(worker => {
      const banned = worker.banned_until ? badge("banned") : "–";
      if (worker.banned_until) banned.title = (worker.ban_reason || "") + " until " + worker.banned_until;
      const row = el("tr", null,
        idCell(worker.worker_id, 16), idCell(worker.silo || "–", 24), el("td", null, badge(worker.online ? "online" : "offline")),
        num(worker.running + " / " + worker.capacity), num(worker.queued + " / " + worker.max_queue_depth),
        num(amount(worker.price_per_million_fuel)), num(worker.reputation.toFixed(3)), num(worker.completed + " / " + worker.failed),
        num(ms(worker.recent_latency_ms || null)), el("td", null, banned),
        num(worker.bonded === null ? "–" : amount(worker.bonded) + (worker.meets_minimum_stake ? "" : " (below minimum)")));
      row.dataset.workerId = worker.worker_id;
      return row;
    }), 11, "No worker has registered.");
  }

  function renderVerification(verification) {
    sectionNote("verification-note", verification.problem,
      "Of the " + plural(verification.jobs, "most recent job") + ", " + verification.with_receipt + " with a signed receipt.");
    tiles("verification-states", verification.by_state, count => count.state || "not_reported");
    fillRows("attention-table", verification.attention.map(note => el("tr", null,
      idCell(note.job_id, 14), el("td", null, badge(note.state)), num(note.committee_size), num(note.distinct_results),
      el("td", null, note.losers.join(", ") || "–"), el("td", null, note.unavailable.join(", ") || "–"),
      el("td", null, note.note || ""))), 7, "No recent job is being verified or disputed.");
  }

  function renderStorage(storage) {
    tiles("deal-states", storage.deals_by_state, count => count.state);
    fillRows("deal-table", storage.deals.map(deal => el("tr", null,
      idCell(deal.deal_id, 14), el("td", null, deal.client_id), el("td", null, badge(deal.state)),
      num(deal.healthy_fragments + " / " + deal.fragments + " (k " + deal.data_fragments + ")"), num(bytes(deal.length)),
      el("td", null, time(deal.last_audit_at)),
      el("td", null, deal.paid ? deal.periods_settled + " periods" + (deal.payment_problem ? ": " + deal.payment_problem : "") : "unpaid"))),
      7, storage.problem ? "Could not read deals: " + storage.problem + "." : "No storage deals.");
    fillRows("provider-table", storage.providers.map(provider => el("tr", null,
      idCell(provider.provider_id, 20), el("td", null, badge(provider.online ? "online" : "offline")),
      num(bytes(provider.used_bytes) + " / " + bytes(provider.capacity_bytes)), num(amount(provider.price_per_gib_month)),
      el("td", null, provider.silo))), 5, "No storage provider.");
  }

  function renderSettlement(settlement) {
    sectionNote("settlement-note", settlement.problem,
      "Settlement on the " + settlement.mode + "; jobs " + (settlement.jobs_settle ? "are escrowed and settled" : "are free (settlement off)") +
      "; minimum stake " + amount(settlement.minimum_stake) + "; committee fee " + settlement.committee_fee_percent + "%.");
    tiles("escrow-states", settlement.escrows, count => count.state);
    fillRows("balance-table", settlement.clients.map(client => el("tr", null,
      el("td", null, client.client_id), num(amount(client.available)), num(amount(client.escrowed)))),
      3, settlement.jobs_settle ? "No client balance." : "Balances are kept only while jobs settle.");
    const chain = settlement.chain;
    document.getElementById("chain-status").textContent = chain
      ? "Chain: " + chain.queued_jobs + " settled jobs waiting for a batch, " + chain.unfinished_transactions +
        " transactions under way, " + chain.batches_sent + " batches sent (settlement account " + chain.settlement_address + ")."
      : "";
  }

  // --- a job's history ------------------------------------------------------------------------------------------
  const HISTORY_TAG = "marketplace/job-history/v1";
  const EPOCH_TICKS = 621355968000000000n;   // .NET ticks (100 ns since 0001-01-01) at 1970-01-01
  let historyJob = null;

  async function showHistory(jobId, clientId) {
    historyJob = { jobId, clientId };
    const panel = document.getElementById("job-history");
    panel.hidden = false;
    document.getElementById("history-job").textContent = jobId;
    setHistoryCheck("loading", "loading…");
    document.querySelector("#history-table tbody").replaceChildren();
    const headers = { Accept: "application/json" };
    const key = currentKey();
    if (key) headers.Authorization = "Bearer " + key;
    let response;
    try {
      response = await fetch(API + "/jobs/" + encodeURIComponent(jobId) + "/history?client_id=" + encodeURIComponent(clientId), { headers, cache: "no-store" });
    } catch (error) {
      setHistoryCheck("error", "the silo is unreachable");
      return;
    }
    if (historyJob === null || historyJob.jobId !== jobId) return;
    if (!response.ok) {
      const problem = await readProblem(response);
      setHistoryCheck("error", response.status + " " + (problem.code || "error") + ": " + (problem.detail || problem.title || ""));
      return;
    }
    const history = await response.json();
    if (historyJob === null || historyJob.jobId !== jobId) return;
    const check = await checkHistory(history);
    renderHistory(history, check);
  }

  function setHistoryCheck(state, text) {
    const line = document.getElementById("history-check");
    line.dataset.state = state;
    line.textContent = text;
  }

  function renderHistory(history, check) {
    fillRows("history-table", history.entries.map((entry, i) => {
      const row = el("tr", i === check.failedAt ? "bad" : null,
        num(entry.sequence), el("td", null, entry.timestamp), num(entry.attempt), el("td", null, entry.level),
        idCell(entry.hash, 12), el("td", "message", entry.message));
      row.dataset.sequence = String(entry.sequence);
      return row;
    }), 6, "No lines.");
    setHistoryCheck(check.state, check.text);
    document.getElementById("history-check").dataset.head = history.head;
  }

  // Recomputes the chain exactly as JobHistoryChain.Verify does; the answer names the first line that fails.
  async function checkHistory(history) {
    if (!window.crypto || !window.crypto.subtle) {
      return { state: "unchecked", failedAt: -1, text: "Not checked here: this browser computes SHA-256 only on https or localhost. Check it with marketplace history --verify. Head " + history.head };
    }
    const invalid = (i, text) => ({ state: "invalid", failedAt: i, text: "INVALID: " + text });
    const entries = Array.isArray(history.entries) ? history.entries : [];
    if (entries.length === 0 || typeof history.job_id !== "string") return invalid(-1, "the history has no lines");
    const dropped = Number(history.dropped_lines || 0);
    let previous = await sha256(concat(utf8(HISTORY_TAG + "/genesis"), utf8(history.job_id)));
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      const expected = i === 0 ? 0 : i + dropped;
      if (entry.sequence !== expected) return invalid(i, "line " + i + " is numbered " + entry.sequence + ", not " + expected + ": a line was removed, added or moved");
      if (i === 1 && history.dropped_last_hash) previous = fromHex(history.dropped_last_hash);
      const ticks = ticksOf(entry.timestamp);
      if (ticks === null || previous === null) return invalid(i, "line " + entry.sequence + " is malformed");
      const level = utf8(entry.level), message = utf8(entry.message);
      const hash = await sha256(concat(utf8(HISTORY_TAG), previous, int64(BigInt(entry.sequence)), int64(ticks),
        int32(entry.attempt), int32(level.length), level, int32(message.length), message));
      if (toHex(hash) !== entry.hash) return invalid(i, "line " + entry.sequence + "'s hash does not follow from it and the line before: it or an earlier line was changed");
      previous = hash;
    }
    if (toHex(previous) !== history.head) return invalid(-1, "the head is not the last line's hash");
    return { state: "valid", failedAt: -1, text: "Valid: " + plural(entries.length, "line") + " chained" + (dropped > 0 ? " (" + dropped + " older dropped)" : "") + "; head " + history.head };
  }

  async function sha256(bytes) { return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)); }
  function utf8(text) { return new TextEncoder().encode(String(text)); }
  function toHex(bytes) { return Array.from(bytes, b => b.toString(16).padStart(2, "0")).join(""); }
  function fromHex(text) {
    if (typeof text !== "string" || !/^([0-9a-f]{2})*$/.test(text)) return null;
    const bytes = new Uint8Array(text.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.substr(2 * i, 2), 16);
    return bytes;
  }
  function concat(...parts) {
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) { all.set(part, at); at += part.length; }
    return all;
  }
  function int32(value) { const b = new Uint8Array(4); new DataView(b.buffer).setInt32(0, value); return b; }
  function int64(value) { const b = new Uint8Array(8); new DataView(b.buffer).setBigInt64(0, value); return b; }
  // An ISO 8601 time with up to seven fractional digits, as the silo writes it, in .NET ticks (UTC).
  function ticksOf(iso) {
    const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,7}))?(Z|[+-]\d\d:\d\d)$/.exec(String(iso));
    if (!match) return null;
    const ms = Date.parse(match[1] + match[3]);
    if (!Number.isFinite(ms)) return null;
    return BigInt(ms) * 10000n + BigInt((match[2] || "").padEnd(7, "0")) + EPOCH_TICKS;
  }

  // --- start -----------------------------------------------------------------------------------------------------
  document.addEventListener("DOMContentLoaded", () => {
    takeKeyFromFragment();
    const form = document.getElementById("key-form");
    const input = document.getElementById("api-key");
    input.value = currentKey();
    form.addEventListener("submit", event => {
      event.preventDefault();
      const key = input.value.trim();
      if (key) sessionStorage.setItem(KEY_ITEM, key); else sessionStorage.removeItem(KEY_ITEM);
      connect();
    });
    document.getElementById("forget-key").addEventListener("click", () => {
      sessionStorage.removeItem(KEY_ITEM);
      input.value = "";
      connect();
    });
    document.querySelector("#recent-jobs tbody").addEventListener("click", event => {
      const button = event.target.closest("button.job-link");
      if (button) showHistory(button.dataset.jobId, button.dataset.clientId);
    });
    document.getElementById("history-refresh").addEventListener("click", () => { if (historyJob) showHistory(historyJob.jobId, historyJob.clientId); });
    document.getElementById("history-close").addEventListener("click", () => {
      historyJob = null;
      document.getElementById("job-history").hidden = true;
    });
    window.addEventListener("hashchange", () => { takeKeyFromFragment(); input.value = currentKey(); connect(); });
    connect();
  });
})();
