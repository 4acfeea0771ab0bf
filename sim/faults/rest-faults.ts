/**
 * Scripted failures of the trading REST, armed per test through the admin interface: answer the
 * next N matching requests with an HTTP error or not at all ("timeout": the socket stays open,
 * unanswered), either before the request takes effect or after it did (the order was accepted,
 * then the answer was lost), which is the case a client's retry logic gets wrong.
 */
export interface RestFault {
  readonly kind: 'status' | 'timeout';
  /** HTTP status for kind 'status' (e.g. 500, 503, 429). */
  readonly status: number;
  /** 'before': the request has no effect; 'after': it is processed, then the answer is replaced. */
  readonly when: 'before' | 'after';
  /** Only requests with this method (any when undefined). */
  readonly method?: string;
  /** Only this path; a trailing * matches a prefix (any when undefined). */
  readonly path?: string;
  /** The error message in Alpaca's body, to play a specific refusal (e.g. a potential wash trade). */
  readonly message?: string;
}

export class RestFaults {
  #armed: { fault: RestFault; remaining: number }[] = [];

  arm(fault: RestFault, count: number): void {
    this.#armed.push({ fault, remaining: count });
  }

  /** The fault to apply to this request, consuming one use of it, or undefined. */
  take(method: string, path: string): RestFault | undefined {
    const entry = this.#armed.find(({ fault, remaining }) => remaining > 0 && matches(fault, method, path));
    if (entry === undefined) return undefined;
    entry.remaining--;
    this.#armed = this.#armed.filter(({ remaining }) => remaining > 0);
    return entry.fault;
  }

  pending(): number {
    return this.#armed.reduce((sum, entry) => sum + entry.remaining, 0);
  }

  clear(): void {
    this.#armed = [];
  }
}

function matches(fault: RestFault, method: string, path: string): boolean {
  if (fault.method !== undefined && fault.method.toUpperCase() !== method) return false;
  if (fault.path === undefined) return true;
  return fault.path.endsWith('*') ? path.startsWith(fault.path.slice(0, -1)) : path === fault.path;
}
