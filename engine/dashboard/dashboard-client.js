// The dashboard's browser code, inlined into the page as a module script (dashboard-page.ts) and
// started there with startDashboard(window). Plain JavaScript so the engine serves it as it is;
// its pure parts (the event-stream parser, the state check, the formatters) are exported for
// tests. Everything from the engine is written with textContent, never as HTML.

const TOKEN_KEY = 'engine-dashboard-token';
const OPERATOR_KEY = 'engine-dashboard-operator';
const FIRST_RETRY_MS = 1_000;
const LAST_RETRY_MS = 30_000;
/** The engine sends state every second and a comment every 15 s: this long without either is a dead stream. */
const SILENCE_MS = 20_000;

/**
 * Server-sent events from text chunks, as the HTML standard parses them: lines end in \n, \r\n or
 * \r; `event:` and `data:` fields (data lines joined by \n); a blank line dispatches; comments and
 * unknown fields are skipped. A chunk may end anywhere, even between \r and \n.
 */
export class EventStreamParser {
  #buffer = '';
  #event = '';
  #data = [];
  #pendingCarriageReturn = false;

  /** @returns {{event: string, data: string}[]} the events completed by this chunk */
  push(chunk) {
    let text = chunk;
    if (this.#pendingCarriageReturn && text.startsWith('\n')) text = text.slice(1);
    this.#pendingCarriageReturn = false;
    this.#buffer += text;
    const events = [];
    for (;;) {
      const end = this.#buffer.search(/\r\n|\r|\n/);
      if (end < 0) break;
      const line = this.#buffer.slice(0, end);
      const breakLength = this.#buffer.startsWith('\r\n', end) ? 2 : 1;
      if (breakLength === 1 && this.#buffer[end] === '\r' && end === this.#buffer.length - 1)
        this.#pendingCarriageReturn = true;
      this.#buffer = this.#buffer.slice(end + breakLength);
      const event = this.#line(line);
      if (event !== undefined) events.push(event);
    }
    return events;
  }

  #line(line) {
    if (line === '') {
      const event =
        this.#data.length > 0 ? { event: this.#event || 'message', data: this.#data.join('\n') } : undefined;
      this.#event = '';
      this.#data = [];
      return event;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
    return undefined;
  }
}

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const isArrayOf = (value, check) => Array.isArray(value) && value.every(check);
const isText = (value) => typeof value === 'string';
const isDecimal = (value) => typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value);
const isNumber = (value) => typeof value === 'number' && Number.isFinite(value);

/**
 * Whether a `state` event has the shape the page draws (shared/api/engine-api-schemas.ts,
 * engineStateEvent). A page must not throw on what an engine of another version, or a proxy, sends:
 * an event that fails this is counted and skipped, and the last good state stays on screen.
 */
export function isEngineState(value) {
  if (!isObject(value) || !isText(value.at)) return false;
  const { health, pnl, risk, hotPath } = value;
  return (
    isObject(health) &&
    isText(health.status) &&
    isObject(pnl) &&
    ['realized', 'unrealized', 'daily'].every((key) => isDecimal(pnl[key])) &&
    isObject(pnl.exposure) &&
    isDecimal(pnl.exposure.gross) &&
    isDecimal(pnl.exposure.net) &&
    isArrayOf(pnl.intraday, (point) => isObject(point) && isText(point.at) && isDecimal(point.daily)) &&
    isArrayOf(value.positions, (p) => isObject(p) && isText(p.symbol) && isDecimal(p.qty)) &&
    isArrayOf(value.orders, (o) => isObject(o) && isText(o.symbol) && isDecimal(o.qty)) &&
    isArrayOf(value.fills, isFill) &&
    isObject(risk) &&
    isText(risk.breaker) &&
    isArrayOf(risk.limits, (l) => isObject(l) && isText(l.name) && isNumber(l.used) && isNumber(l.limit)) &&
    isArrayOf(value.strategies, (s) => isObject(s) && isText(s.id)) &&
    isArrayOf(value.feeds, (f) => isObject(f) && isText(f.name) && isText(f.state)) &&
    (hotPath === null ||
      (isObject(hotPath) &&
        ['count', 'p50Us', 'p90Us', 'p99Us', 'maxUs'].every((key) => isNumber(hotPath[key]))))
  );
}

/** Whether a `fill` event (or an entry of state.fills) has the shape the page draws. */
export function isFill(value) {
  return (
    isObject(value) &&
    isText(value.symbol) &&
    isText(value.side) &&
    isDecimal(value.qty) &&
    isDecimal(value.price) &&
    isDecimal(value.realizedPnl) &&
    isText(value.at)
  );
}

/** A decimal string as dollars with cents and a sign for losses, e.g. "-1,234.50". */
export function formatUsd(text) {
  if (text === null || text === undefined) return '—';
  const value = Number(text);
  if (!Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** Microseconds to three significant figures, as milliseconds from 1 ms up: "2.41 µs", "19.1 ms". */
export function formatMicros(us) {
  if (!isNumber(us)) return '—';
  return us < 1000 ? `${us.toPrecision(3)} µs` : `${(us / 1000).toPrecision(3)} ms`;
}

/** The wall-clock time of an ISO timestamp, in the browser's zone, e.g. "14:03:07". */
function formatClock(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : date.toLocaleTimeString('en-GB', { hour12: false });
}

/** 32 hex digits from the platform's random source (randomUUID needs a secure context; this does not). */
function idempotencyKey(crypto) {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The next reconnect delay: doubling from 1 s to 30 s, with ±20 % jitter so many pages do not retry in step. */
export function retryDelayMs(attempt, random = Math.random) {
  const base = Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt);
  return Math.round(base * (0.8 + 0.4 * random()));
}

const ACTIONS = {
  'kill-switch': {
    title: 'Pull the kill switch',
    explain: 'Halts trading, cancels every working order and flattens every position.',
    path: '/kill-switch',
    done: (answer) =>
      `Kill switch in force: breaker ${answer.breaker}, canceling ${answer.canceling} orders, closing ${
        Array.isArray(answer.closing) && answer.closing.length > 0
          ? answer.closing.join(', ')
          : 'no positions'
      }.`,
  },
  'breaker-reset': {
    title: 'Reset the circuit breaker',
    explain: 'Trading resumes. Needs the admin token.',
    path: '/circuit-breaker/reset',
    done: (answer) => `Circuit breaker reset: now ${answer.breaker}.`,
  },
};

/** Runs the page: sign-in, the event stream, the sections, the two actions. */
export function startDashboard(window) {
  const { document, sessionStorage, localStorage } = window;
  const $ = (id) => document.getElementById(id);
  const element = (tag, text, className) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  };
  const signClass = (text) => (Number(text) > 0 ? 'gain' : Number(text) < 0 ? 'loss' : '');

  let state;
  let malformed = 0;
  let abort;
  let retryTimer;
  let attempt = 0;
  let chart;
  let pendingAction;

  const setConnection = (kind, text) => {
    const node = $('connection');
    node.dataset.kind = kind;
    node.textContent = text;
  };

  const showSignIn = (message) => {
    $('sign-in').hidden = false;
    $('board').hidden = true;
    $('sign-in-error').textContent = message ?? '';
    $('token').focus();
  };

  // ---- The event stream

  const connect = async () => {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token === null) {
      showSignIn();
      return;
    }
    $('sign-in').hidden = true;
    $('board').hidden = false;
    abort = new AbortController();
    const controller = abort;
    let silence;
    const watch = () => {
      clearTimeout(silence);
      silence = setTimeout(() => controller.abort(new Error('no event for 20 s')), SILENCE_MS);
    };
    setConnection('connecting', attempt === 0 ? 'Connecting…' : `Reconnecting (attempt ${attempt + 1})…`);
    try {
      watch();
      const response = await window.fetch('/events', {
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
        signal: controller.signal,
        cache: 'no-store',
      });
      if (response.status === 401 || response.status === 403) {
        clearTimeout(silence);
        sessionStorage.removeItem(TOKEN_KEY);
        const refusal = await response.json().catch(() => ({}));
        setConnection('auth', `Not signed in (HTTP ${response.status})`);
        showSignIn(
          `The engine refused the token (HTTP ${response.status}${refusal.message ? `: ${refusal.message}` : ''}).`,
        );
        return;
      }
      if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}`);
      setConnection('live', 'Live');
      attempt = 0;
      const parser = new EventStreamParser();
      const reader = response.body.pipeThrough(new window.TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error('the engine closed the stream');
        watch();
        for (const event of parser.push(value)) receive(event);
      }
    } catch (error) {
      clearTimeout(silence);
      if (controller.signal.aborted && controller.signal.reason === 'sign-out') return;
      const delay = retryDelayMs(attempt++);
      const why = error instanceof Error ? error.message : String(error);
      setConnection('down', `Disconnected (${why}); retrying in ${Math.ceil(delay / 1000)} s`);
      retryTimer = setTimeout(connect, delay);
    }
  };

  const receive = ({ event, data }) => {
    let value;
    try {
      value = JSON.parse(data);
    } catch {
      value = undefined;
    }
    if (event === 'state' && isEngineState(value)) {
      state = value;
      render();
    } else if (event === 'fill' && isFill(value)) {
      // Shown at once; the next state event brings the engine's own list.
      if (state !== undefined) {
        state = { ...state, fills: [value, ...state.fills].slice(0, 50) };
        renderFills(state.fills, true);
      }
    } else if (event === 'state' || event === 'fill') {
      malformed++;
      $('malformed').textContent = `${malformed} malformed event${malformed === 1 ? '' : 's'} skipped`;
    }
  };

  // ---- Rendering

  const fillTable = (id, rows, empty) => {
    const body = $(id);
    body.replaceChildren();
    if (rows.length === 0) {
      const row = element('tr', undefined, 'empty');
      const cell = element('td', empty);
      cell.colSpan = 20;
      row.append(cell);
      body.append(row);
      return;
    }
    for (const cells of rows) {
      const row = element('tr');
      for (const cell of cells)
        row.append(typeof cell === 'string' ? element('td', cell) : element('td', cell.text, cell.className));
      body.append(row);
    }
  };
  const signed = (text) => ({ text: formatUsd(text), className: `num ${signClass(text)}` });

  const render = () => {
    const s = state;
    $('updated').textContent = `Engine ${s.health.status} · updated ${formatClock(s.at)}`;
    $('health').dataset.kind = s.health.status;
    for (const [key, text] of [
      ['pnl-daily', s.pnl.daily],
      ['pnl-realized', s.pnl.realized],
      ['pnl-unrealized', s.pnl.unrealized],
    ]) {
      $(key).textContent = formatUsd(text);
      $(key).className = `figure ${signClass(text)}`;
    }
    $('exposure-gross').textContent = formatUsd(s.pnl.exposure.gross);
    $('exposure-net').textContent = formatUsd(s.pnl.exposure.net);
    renderChart(s.pnl.intraday, s.at, s.pnl.daily);

    const breaker = $('breaker');
    breaker.textContent = s.risk.breaker;
    breaker.dataset.kind = s.risk.breaker;
    $('reconciled').textContent = s.risk.reconciled ? 'yes' : 'no';
    $('kill-state').textContent = s.risk.killSwitch ? 'in force' : 'not pulled';
    const limits = $('limits');
    limits.replaceChildren();
    for (const limit of s.risk.limits) {
      const share = limit.limit > 0 ? Math.min(1, Math.max(0, limit.used / limit.limit)) : 0;
      const row = element('div', undefined, 'limit');
      const unit = limit.unit === 'usd' ? formatUsd(String(limit.used)) : String(limit.used);
      const cap = limit.unit === 'usd' ? formatUsd(String(limit.limit)) : String(limit.limit);
      row.append(element('span', limit.name, 'limit-name'), element('span', `${unit} / ${cap}`, 'limit-use'));
      const bar = element('div', undefined, 'bar');
      const fill = element('div', undefined, share >= 0.9 ? 'danger' : share >= 0.7 ? 'warn' : '');
      fill.style.width = `${(share * 100).toFixed(1)}%`;
      bar.append(fill);
      row.append(bar);
      limits.append(row);
    }

    fillTable(
      'positions',
      s.positions.map((p) => [
        p.symbol,
        { text: p.qty, className: 'num' },
        { text: formatUsd(p.avgEntryPrice), className: 'num' },
        { text: formatUsd(p.markPrice), className: 'num' },
        signed(p.unrealizedPnl),
        p.closing ? 'closing' : '',
      ]),
      'No open positions',
    );
    fillTable(
      'orders',
      s.orders.map((o) => [
        o.symbol,
        o.side,
        o.type,
        { text: `${o.filledQty}/${o.qty}`, className: 'num' },
        { text: o.limitPrice === null ? '—' : formatUsd(o.limitPrice), className: 'num' },
        o.status,
        o.origin,
      ]),
      'No working orders',
    );
    renderFills(s.fills, false);
    fillTable(
      'feeds',
      s.feeds.map((f) => [f.name, { text: f.state, className: f.state === 'ready' ? 'ok' : 'bad' }]),
      'No feeds',
    );
    fillTable(
      'strategies',
      s.strategies.map((st) => [st.id, st.latched ? 'latched by risk' : st.enabled ? 'enabled' : 'disabled']),
      'No strategies',
    );
    const hot = s.hotPath;
    for (const key of ['p50Us', 'p90Us', 'p99Us', 'maxUs'])
      $(`hot-${key}`).textContent = hot === null ? '—' : formatMicros(hot[key]);
    $('hot-count').textContent =
      hot === null ? 'no frames yet' : `${hot.count.toLocaleString('en-US')} frames`;
  };

  const renderFills = (fills, fresh) => {
    fillTable(
      'fills',
      fills.map((f) => [
        formatClock(f.at),
        f.symbol,
        f.side,
        { text: f.qty, className: 'num' },
        { text: formatUsd(f.price), className: 'num' },
        signed(f.realizedPnl),
      ]),
      'No fills this session',
    );
    $('fill-count').textContent = String(fills.length);
    if (fresh) $('fills').firstElementChild?.classList.add('fresh');
  };

  /** The engine's samples, then the live figure at the state's time, so the curve ends at now. */
  const renderChart = (points, at, daily) => {
    const times = [];
    const values = [];
    for (const point of [...points, { at, daily }]) {
      const seconds = Date.parse(point.at) / 1000;
      if (Number.isFinite(seconds) && (times.length === 0 || seconds > times[times.length - 1])) {
        times.push(seconds);
        values.push(Number(point.daily));
      }
    }
    const holder = $('equity-chart');
    if (window.uPlot === undefined) return;
    if (chart === undefined) {
      const style = window.getComputedStyle(document.body);
      const ink = style.getPropertyValue('--muted').trim() || '#888';
      const grid = style.getPropertyValue('--line').trim() || '#ccc';
      const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
      chart = new window.uPlot(
        {
          width: holder.clientWidth,
          height: 190,
          legend: { show: false },
          scales: {
            x: { time: true },
            // Zero stays in view, so a small gain does not look like a cliff.
            y: {
              range: (_u, min, max) => {
                const low = Math.min(min, 0);
                const high = Math.max(max, 0);
                const pad = Math.max((high - low) * 0.1, 1);
                return [low - pad, high + pad];
              },
            },
          },
          series: [{}, { label: 'Daily P&L', stroke: '#2f81f7', fill: 'rgba(47,129,247,0.12)', width: 2 }],
          axes: [
            axis,
            { ...axis, size: 70, values: (_u, splits) => splits.map((v) => formatUsd(String(v))) },
          ],
        },
        [times, values],
        holder,
      );
      window.addEventListener('resize', () => chart.setSize({ width: holder.clientWidth, height: 190 }));
    } else chart.setData([times, values]);
    // At least five minutes wide: uPlot stretches a lone point's time axis over years.
    if (times.length > 0)
      chart.setScale('x', { min: times[0], max: Math.max(times[times.length - 1], times[0] + 300) });
    $('chart-empty').hidden = times.length > 1;
  };

  // ---- Actions

  const openAction = (name) => {
    const action = ACTIONS[name];
    pendingAction = { name, key: idempotencyKey(window.crypto) };
    $('action-title').textContent = action.title;
    $('action-explain').textContent = action.explain;
    $('action-error').textContent = '';
    $('action-operator').value = localStorage.getItem(OPERATOR_KEY) ?? '';
    $('action-reason').value = '';
    $('action-confirm').disabled = false;
    $('action-dialog').showModal();
    ($('action-operator').value === '' ? $('action-operator') : $('action-reason')).focus();
  };

  const confirmAction = async () => {
    if (pendingAction === undefined) return;
    const action = ACTIONS[pendingAction.name];
    const operator = $('action-operator').value.trim();
    const reason = $('action-reason').value.trim();
    localStorage.setItem(OPERATOR_KEY, operator);
    $('action-confirm').disabled = true;
    let outcome;
    try {
      // The same key for every try of this dialog: a retry after a lost answer cannot act twice.
      const response = await window.fetch(action.path, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ''}`,
          'content-type': 'application/json',
          'idempotency-key': pendingAction.key,
        },
        body: JSON.stringify({ operator, reason }),
      });
      const answer = await response.json().catch(() => ({}));
      if (response.ok) outcome = { ok: true, text: action.done(answer) };
      else {
        const issues = Array.isArray(answer.issues)
          ? answer.issues.map((issue) => `${issue.path}: ${issue.rule}`).join('; ')
          : '';
        outcome = {
          ok: false,
          text: `Refused (HTTP ${response.status}): ${answer.message ?? 'no reason given'}${issues ? ` — ${issues}` : ''}`,
        };
      }
    } catch (error) {
      outcome = { ok: false, text: `Not sent: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (outcome.ok) {
      $('action-dialog').close();
      pendingAction = undefined;
    } else {
      $('action-error').textContent = outcome.text;
      $('action-confirm').disabled = false;
    }
    const result = $('action-result');
    result.textContent = outcome.text;
    result.dataset.kind = outcome.ok ? 'ok' : 'refused';
  };

  // ---- Wiring

  $('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('token').value.trim();
    if (token === '') return;
    sessionStorage.setItem(TOKEN_KEY, token);
    $('token').value = '';
    clearTimeout(retryTimer);
    attempt = 0;
    void connect();
  });
  $('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    clearTimeout(retryTimer);
    abort?.abort('sign-out');
    setConnection('auth', 'Signed out');
    showSignIn();
  });
  $('kill-switch').addEventListener('click', () => openAction('kill-switch'));
  $('breaker-reset').addEventListener('click', () => openAction('breaker-reset'));
  $('action-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void confirmAction();
  });
  $('action-cancel').addEventListener('click', () => {
    pendingAction = undefined;
    $('action-dialog').close();
  });
  void connect();
}
