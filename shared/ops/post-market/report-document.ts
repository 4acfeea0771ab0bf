/**
 * The post-market report as a document of sections, paragraphs and tables, rendered as Markdown
 * (render-markdown.ts) and as an HTML page (render-html.ts) from this one source. Money is shown
 * to the cent; the stored figures keep every digit.
 */
import { type Fixed, formatFixed, roundTo } from '../../domain/fixed.ts';
import type { OpsTable } from '../ops-report.ts';
import type { PostMarketFigures } from './post-market-figures.ts';

export interface ReportSection {
  readonly heading: string;
  readonly paragraphs: readonly string[];
  readonly tables: readonly OpsTable[];
}

export interface ReportDocument {
  readonly title: string;
  readonly sections: readonly ReportSection[];
}

export function money(value: Fixed): string {
  const text = formatFixed(roundTo(value, 2));
  const [whole, fraction = ''] = text.split('.');
  return `${whole}.${fraction.padEnd(2, '0')}`;
}

export function bps(value: number | null): string {
  return value === null ? '—' : value.toFixed(2);
}

const maybe = (value: Fixed | null, format: (value: Fixed) => string = formatFixed) =>
  value === null ? '—' : format(value);

const clock = (atMs: number) => new Date(atMs).toISOString().slice(11, 19);

function pnlSection(figures: PostMarketFigures): ReportSection {
  const { pnl } = figures;
  const rows: string[][] = [
    ['realized (from fills)', money(pnl.realized)],
    ['unrealized (broker)', money(pnl.unrealized)],
    ['equity', money(pnl.equity)],
    ['last equity (previous close)', money(pnl.lastEquity)],
    ['day change (equity − last equity)', money(pnl.equityChange)],
    ['regulatory fees on sales (estimated)', money(pnl.estimatedFees)],
  ];
  const paragraphs = [
    ...(pnl.realizedUnknown.length > 0
      ? [
          `Realized P&L leaves out ${pnl.realizedUnknown.join(', ')}: the opening cost could not be worked out (see Notes).`,
        ]
      : []),
    ...(pnl.unrealizedMissing.length > 0
      ? [`The broker gave no unrealized P&L for ${pnl.unrealizedMissing.join(', ')}.`]
      : []),
  ];
  return { heading: 'P&L', paragraphs, tables: [{ columns: ['figure', 'USD'], rows }] };
}

function tradingSection(figures: PostMarketFigures): ReportSection {
  const statuses = Object.entries(figures.ordersOfDay.byStatus)
    .map(([status, count]) => `${status} ${count}`)
    .join(', ');
  return {
    heading: 'Trades and fills',
    paragraphs: [
      `${figures.trades.length} order(s) traded in ${figures.fillCount} fill(s); ${figures.ordersOfDay.total} order(s) created or updated today${statuses === '' ? '' : ` (${statuses})`}.`,
    ],
    tables: [
      {
        columns: [
          'symbol',
          'fills',
          'orders',
          'bought',
          'sold',
          'bought USD',
          'sold USD',
          'realized',
          'opening cost',
          'fees (est.)',
        ],
        rows: figures.activity.map((activity) => {
          const realized = figures.realizedBySymbol.find((symbol) => symbol.symbol === activity.symbol);
          return [
            activity.symbol,
            String(activity.fills),
            String(activity.orders),
            formatFixed(activity.boughtQty),
            formatFixed(activity.soldQty),
            money(activity.boughtNotional),
            money(activity.soldNotional),
            maybe(realized?.realizedPnl ?? null, money),
            realized?.openingCostSource ?? '—',
            money(activity.estimatedFees),
          ];
        }),
      },
      {
        columns: [
          'order',
          'symbol',
          'side',
          'type',
          'status',
          'origin',
          'filled today',
          'avg price',
          'reference',
          'slippage bps',
        ],
        rows: figures.trades.map((trade) => [
          trade.clientOrderId,
          trade.symbol,
          trade.side,
          trade.type,
          trade.status,
          trade.origin,
          `${formatFixed(trade.filledToday)} / ${formatFixed(trade.qty)}`,
          formatFixed(trade.avgFillPrice),
          maybe(trade.referencePrice),
          bps(trade.slippageBps),
        ]),
      },
    ],
  };
}

function slippageSection(figures: PostMarketFigures): ReportSection {
  const stats = figures.slippage;
  const worst = stats.worst;
  return {
    heading: 'Slippage',
    paragraphs: [
      `Each fill against its order's reference price (the price the decision was made on), in basis points; positive is worse. ${stats.count} fill(s) measured, ${stats.unmeasured} without a reference price.`,
      ...(worst === null
        ? []
        : [
            `Worst: ${worst.symbol} ${worst.side} at ${formatFixed(worst.fillPrice)} against ${formatFixed(worst.referencePrice)} (${worst.clientOrderId}).`,
          ]),
    ],
    tables: [
      {
        columns: ['count', 'mean', 'median', 'p95', 'worst'],
        rows: [
          [
            String(stats.count),
            bps(stats.meanBps),
            bps(stats.medianBps),
            bps(stats.p95Bps),
            bps(worst?.bps ?? null),
          ],
        ],
      },
    ],
  };
}

function positionsSection(figures: PostMarketFigures): ReportSection {
  return {
    heading: 'Positions (broker, after the close)',
    paragraphs: figures.positions.length === 0 ? ['No open positions.'] : [],
    tables: [
      {
        columns: ['symbol', 'qty', 'avg entry', 'market value', 'unrealized', 'engine qty'],
        rows: figures.positions.map((position) => [
          position.symbol,
          formatFixed(position.qty),
          formatFixed(position.avgEntryPrice),
          maybe(position.marketValue, money),
          maybe(position.unrealizedPnl, money),
          maybe(position.engineQty),
        ]),
      },
    ],
  };
}

function riskSection(figures: PostMarketFigures): ReportSection {
  return {
    heading: 'Risk events and the circuit breaker',
    paragraphs: [
      ...figures.attention.map((line) => `Attention: ${line}.`),
      `${figures.riskEvents.list.length} risk event(s), ${figures.breakerTransitions.length} breaker transition(s). Times are UTC.`,
    ],
    tables: [
      {
        columns: ['kind', 'reason', 'count'],
        rows: figures.riskEvents.counts.map((count) => [count.kind, count.reasonCode, String(count.count)]),
      },
      {
        columns: ['time', 'kind', 'reason', 'symbol', 'intent'],
        rows: figures.riskEvents.list.map((event) => [
          clock(event.atMs),
          event.kind,
          event.reasonCode,
          event.symbol ?? '—',
          event.intentId ?? '—',
        ]),
      },
      {
        columns: ['time', 'from', 'to', 'reason', 'operator', 'detail'],
        rows: figures.breakerTransitions.map((transition) => [
          clock(transition.atMs),
          transition.from,
          transition.to,
          transition.reason,
          transition.operator ?? '—',
          transition.detail,
        ]),
      },
    ],
  };
}

const NOTES = [
  'Realized P&L is computed from the day’s fills as stored by the engine, by average cost (as Alpaca and the engine book it). Each symbol’s opening position is the broker’s closing quantity less the day’s net fills; its cost is the engine’s position snapshot when that was taken before the day’s first fill, otherwise it is reconstructed by undoing the day’s fills from the broker’s closing average entry price. When a position open at the start went flat or changed side during the day and no earlier snapshot exists, its cost is not in the data: that symbol’s realized P&L is shown as unknown and left out of the total.',
  'Fills missing from the store (a write the engine could not make) are missing here too; the equity change, which comes from the broker, includes everything and is the cross-check.',
  'Unrealized P&L, market values and equity are the broker’s, as of when the report ran.',
  'Regulatory fees are an estimate with the project’s fee schedule (config/fees.toml: SEC fee on sale principal, FINRA TAF per share sold, capped, each rounded up to the cent, per execution). Alpaca computes and charges these fees itself; its account activities are the actual amounts.',
  'Slippage statistics weigh every fill alike; the p95 is the nearest-rank percentile. Orders without a reference price (external orders, orders recorded before it was kept) are not measured.',
];

export function postMarketDocument(figures: PostMarketFigures, generatedAtMs: number): ReportDocument {
  return {
    title: `Post-market report ${figures.newYorkDate}`,
    sections: [
      {
        heading: 'Session',
        paragraphs: [
          `Session ${figures.session.open}–${figures.session.close} New York. Generated ${new Date(generatedAtMs).toISOString()}.`,
          ...(figures.unreadableItems.length > 0
            ? [`Unreadable stored items (left out): ${figures.unreadableItems.join('; ')}`]
            : []),
        ],
        tables: [],
      },
      pnlSection(figures),
      tradingSection(figures),
      slippageSection(figures),
      positionsSection(figures),
      riskSection(figures),
      { heading: 'Notes', paragraphs: NOTES, tables: [] },
    ],
  };
}
