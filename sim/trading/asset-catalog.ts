/**
 * The tradable universe: one asset per simulated symbol, with ids derived from the symbol so they
 * are stable across runs. Flags default to the permissive case (tradable, shortable, easy to
 * borrow, fractionable); the admin interface flips them to exercise Alpaca's refusals.
 */
import { isCryptoSymbol } from '../../shared/domain/symbol.ts';
import { nameUuid } from './ids.ts';

export type AssetClassName = 'us_equity' | 'crypto';

export interface AssetFlags {
  readonly tradable: boolean;
  readonly marginable: boolean;
  readonly shortable: boolean;
  readonly easy_to_borrow: boolean;
  readonly fractionable: boolean;
}

export interface SimAsset extends AssetFlags {
  readonly id: string;
  readonly symbol: string;
  readonly class: AssetClassName;
  readonly exchange: string;
  readonly name: string;
  readonly status: 'active' | 'inactive';
}

export class AssetCatalog {
  readonly #bySymbol = new Map<string, SimAsset>();
  readonly #byId = new Map<string, SimAsset>();

  constructor(symbols: readonly string[]) {
    for (const symbol of symbols) {
      const crypto = isCryptoSymbol(symbol);
      this.#store({
        id: nameUuid(symbol),
        symbol,
        class: crypto ? 'crypto' : 'us_equity',
        exchange: crypto ? 'CRYPTO' : 'NASDAQ',
        name: crypto ? `${symbol.split('/')[0]} / US Dollar` : `${symbol} Simulated Common Stock`,
        status: 'active',
        tradable: true,
        marginable: !crypto,
        shortable: !crypto,
        easy_to_borrow: !crypto,
        fractionable: true,
      });
    }
  }

  /** By symbol (either crypto spelling) or asset id. */
  find(symbolOrId: string): SimAsset | undefined {
    const bySymbol = this.#bySymbol.get(symbolOrId.toUpperCase()) ?? this.#byId.get(symbolOrId.toLowerCase());
    if (bySymbol !== undefined) return bySymbol;
    const legacyCrypto = /^([A-Z0-9]{2,10})(USD|USDT|USDC)$/.exec(symbolOrId.toUpperCase());
    return legacyCrypto === null ? undefined : this.#bySymbol.get(`${legacyCrypto[1]}/${legacyCrypto[2]}`);
  }

  list(): SimAsset[] {
    return [...this.#bySymbol.values()];
  }

  setFlags(symbol: string, flags: Partial<AssetFlags>): SimAsset | undefined {
    const asset = this.find(symbol);
    if (asset === undefined) return undefined;
    const updated = { ...asset, ...flags };
    this.#store(updated);
    return updated;
  }

  #store(asset: SimAsset): void {
    this.#bySymbol.set(asset.symbol, asset);
    this.#byId.set(asset.id, asset);
  }
}
