/**
 * The dashboard: one self-contained HTML document served by the engine at GET /. Its style, its
 * script (dashboard-client.js) and uPlot are inlined, and its Content-Security-Policy lets it
 * reach nothing but the engine it came from. It asks for a token (kept in sessionStorage, never
 * in the URL) and reads GET /events with fetch, since EventSource cannot send a bearer token.
 * Built once when the engine starts.
 */
import { readFile } from 'node:fs/promises';
import {
  type ChartLibrary,
  inlineScript,
  inlineStyle,
  loadChartLibrary,
} from '../../shared/html/chart-library.ts';

/**
 * Inline script and style only, requests to this origin only; no form may navigate (so a token
 * typed while the script failed to load cannot end up in a URL or a request body).
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'";

export async function loadDashboardPage(): Promise<string> {
  const [charts, client] = await Promise.all([
    loadChartLibrary(),
    readFile(new URL('./dashboard-client.js', import.meta.url), 'utf8'),
  ]);
  return renderDashboardPage(charts, client);
}

export function renderDashboardPage(charts: ChartLibrary, client: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="no-referrer">
<title>Trading engine</title>
<style>${inlineStyle(charts.stylesheet)}</style>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
  <h1>Trading engine</h1>
  <span id="health" class="pill"><span id="updated">Waiting for the engine…</span></span>
  <span id="connection" class="pill" data-kind="connecting">Starting…</span>
  <span id="malformed" class="muted"></span>
  <span class="spacer"></span>
  <span id="action-result" role="status"></span>
  <button id="kill-switch" class="danger" type="button">Kill switch</button>
  <button id="breaker-reset" type="button">Reset breaker</button>
  <button id="sign-out" type="button" class="quiet">Sign out</button>
</header>

<section id="sign-in" hidden>
  <form id="sign-in-form" method="post" autocomplete="off">
    <h2>Sign in</h2>
    <p>Paste an engine API token. A <em>read</em> token shows the board; the kill switch needs an <em>operator</em> token and the breaker reset an <em>admin</em> token. It is kept for this tab only.</p>
    <label for="token">Token</label>
    <input id="token" name="token" type="password" required minlength="16" spellcheck="false">
    <button type="submit">Open the dashboard</button>
    <p id="sign-in-error" class="error" role="alert"></p>
  </form>
</section>

<main id="board" hidden>
  <section class="card pnl">
    <h2>P&amp;L today</h2>
    <div class="figures">
      <div><span class="label">Daily</span><span id="pnl-daily" class="figure">—</span></div>
      <div><span class="label">Realized</span><span id="pnl-realized" class="figure">—</span></div>
      <div><span class="label">Unrealized</span><span id="pnl-unrealized" class="figure">—</span></div>
      <div><span class="label">Gross exposure</span><span id="exposure-gross" class="figure">—</span></div>
      <div><span class="label">Net exposure</span><span id="exposure-net" class="figure">—</span></div>
    </div>
    <div id="equity-chart"></div>
    <p id="chart-empty" class="muted">No P&amp;L samples yet this session.</p>
  </section>

  <section class="card risk">
    <h2>Risk</h2>
    <dl>
      <dt>Breaker</dt><dd><span id="breaker" class="pill">—</span></dd>
      <dt>Reconciled</dt><dd id="reconciled">—</dd>
      <dt>Kill switch</dt><dd id="kill-state">—</dd>
    </dl>
    <div id="limits"></div>
  </section>

  <section class="card positions">
    <h2>Positions</h2>
    <table><thead><tr><th>Symbol</th><th class="num">Qty</th><th class="num">Avg entry</th><th class="num">Mark</th><th class="num">Unrealized</th><th></th></tr></thead>
    <tbody id="positions"></tbody></table>
  </section>

  <section class="card orders">
    <h2>Working orders</h2>
    <table><thead><tr><th>Symbol</th><th>Side</th><th>Type</th><th class="num">Filled/Qty</th><th class="num">Limit</th><th>Status</th><th>Origin</th></tr></thead>
    <tbody id="orders"></tbody></table>
  </section>

  <section class="card fills">
    <h2>Recent fills <span id="fill-count" class="count">0</span></h2>
    <table><thead><tr><th>Time</th><th>Symbol</th><th>Side</th><th class="num">Qty</th><th class="num">Price</th><th class="num">Realized</th></tr></thead>
    <tbody id="fills"></tbody></table>
  </section>

  <section class="card system">
    <h2>Feeds</h2>
    <table><tbody id="feeds"></tbody></table>
    <h2>Hot path <span class="muted">frame in → decisions made</span></h2>
    <dl class="latency">
      <dt>p50</dt><dd id="hot-p50Us">—</dd>
      <dt>p90</dt><dd id="hot-p90Us">—</dd>
      <dt>p99</dt><dd id="hot-p99Us">—</dd>
      <dt>max</dt><dd id="hot-maxUs">—</dd>
    </dl>
    <p id="hot-count" class="muted"></p>
    <h2>Strategies</h2>
    <table><tbody id="strategies"></tbody></table>
  </section>
</main>

<dialog id="action-dialog">
  <form id="action-form" method="dialog">
    <h2 id="action-title"></h2>
    <p id="action-explain"></p>
    <label for="action-operator">Your name</label>
    <input id="action-operator" required pattern="[A-Za-z0-9._@\\-]{2,64}" title="2-64 letters, digits, . _ @ -" autocomplete="username">
    <label for="action-reason">Reason</label>
    <textarea id="action-reason" required minlength="3" maxlength="500" rows="3"></textarea>
    <p id="action-error" class="error" role="alert"></p>
    <div class="buttons">
      <button id="action-cancel" type="button" class="quiet">Cancel</button>
      <button id="action-confirm" type="submit" class="danger">Confirm</button>
    </div>
  </form>
</dialog>

<script>${inlineScript(charts.script)}</script>
<script type="module">${inlineScript(client)}
startDashboard(window);
</script>
</body>
</html>
`;
}

const PAGE_STYLE = `
:root { color-scheme: light dark; --bg: #f6f8fa; --card: #fff; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0;
  --gain: #1a7f37; --loss: #cf222e; --warn: #9a6700; --accent: #0969da; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --card: #161b22; --ink: #e6edf3; --muted: #9198a1; --line: #30363d;
    --gain: #3fb950; --loss: #f85149; --warn: #d29922; --accent: #4493f8; }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; align-items: center; gap: 10px; padding: 8px 16px; background: var(--card); border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 1; }
header h1 { font-size: 16px; margin: 0 8px 0 0; }
.spacer { flex: 1; }
.muted { color: var(--muted); font-weight: normal; }
.pill { display: inline-block; padding: 1px 8px; border-radius: 10px; border: 1px solid var(--line); white-space: nowrap; }
#connection[data-kind="live"], #health[data-kind="ok"], #breaker[data-kind="normal"] { color: var(--gain); border-color: var(--gain); }
#connection[data-kind="connecting"], #health[data-kind="starting"], #health[data-kind="degraded"], #breaker[data-kind="reducing"] { color: var(--warn); border-color: var(--warn); }
#connection[data-kind="down"], #connection[data-kind="auth"], #health[data-kind="fatal"], #breaker[data-kind="halted"] { color: var(--loss); border-color: var(--loss); font-weight: 600; }
#action-result[data-kind="ok"] { color: var(--gain); }
#action-result[data-kind="refused"] { color: var(--loss); }
button { font: inherit; padding: 5px 12px; border-radius: 6px; border: 1px solid var(--line); background: var(--bg); color: var(--ink); cursor: pointer; }
button.danger { background: var(--loss); border-color: var(--loss); color: #fff; font-weight: 600; }
button.quiet { background: transparent; }
button:disabled { opacity: 0.6; cursor: wait; }
main { display: grid; gap: 10px; padding: 10px 16px 16px; grid-template-columns: 2fr 1fr; grid-template-areas: "pnl risk" "positions orders" "fills system"; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; min-width: 0; overflow: auto; }
.card h2 { font-size: 13px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); margin: 2px 0 6px; }
.pnl { grid-area: pnl; } .risk { grid-area: risk; } .positions { grid-area: positions; } .orders { grid-area: orders; } .fills { grid-area: fills; } .system { grid-area: system; }
.figures { display: flex; flex-wrap: wrap; gap: 6px 24px; margin-bottom: 4px; }
.figures div { display: flex; flex-direction: column; }
.label { color: var(--muted); font-size: 12px; }
.figure { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.gain { color: var(--gain); } .loss { color: var(--loss); }
.ok { color: var(--gain); } .bad { color: var(--loss); font-weight: 600; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 2px 6px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
th { color: var(--muted); font-weight: 500; }
.num { text-align: right; }
tr.empty td { color: var(--muted); text-align: center; }
tr.fresh { animation: fresh 2s ease-out; }
@keyframes fresh { from { background: color-mix(in srgb, var(--accent) 35%, transparent); } to { background: transparent; } }
.count { display: inline-block; min-width: 18px; padding: 0 5px; border-radius: 9px; background: var(--line); color: var(--ink); text-align: center; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 3px 12px; margin: 0 0 8px; }
dt { color: var(--muted); } dd { margin: 0; font-variant-numeric: tabular-nums; }
dl.latency { grid-template-columns: repeat(4, max-content auto); white-space: nowrap; }
.limit { display: grid; grid-template-columns: 1fr auto; gap: 1px 8px; margin-bottom: 6px; }
.limit-use { font-variant-numeric: tabular-nums; color: var(--muted); }
.bar { grid-column: 1 / -1; height: 6px; border-radius: 3px; background: var(--line); overflow: hidden; }
.bar div { height: 100%; background: var(--gain); }
.bar div.warn { background: var(--warn); } .bar div.danger { background: var(--loss); }
#sign-in { display: grid; place-items: center; padding: 60px 16px; }
#sign-in form, dialog form { display: grid; gap: 6px; width: min(440px, 100%); }
#sign-in form { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; }
input, textarea { font: inherit; padding: 5px 8px; border-radius: 6px; border: 1px solid var(--line); background: var(--bg); color: var(--ink); }
dialog { border: 1px solid var(--line); border-radius: 8px; background: var(--card); color: var(--ink); padding: 16px 20px; }
dialog::backdrop { background: rgba(0, 0, 0, 0.5); }
.buttons { display: flex; justify-content: flex-end; gap: 8px; }
.error { color: var(--loss); margin: 0; min-height: 1em; }
.u-legend { display: none; }
`;
