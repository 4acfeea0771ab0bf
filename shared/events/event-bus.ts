/**
 * A minimal synchronous, typed, in-process event bus. Events are a discriminated union on `type`;
 * subscribers run in subscription order, after the publisher has finished changing its state.
 * Subscribing replaces the handler list rather than changing it, so a publish iterates the list
 * it started with without copying it (fills and order reports publish on the order path).
 */
export class EventBus<Event extends { readonly type: string }> {
  #handlers: readonly ((event: Event) => void)[] = [];

  /** Receives every event; returns a function that unsubscribes. */
  subscribe(handler: (event: Event) => void): () => void {
    this.#handlers = [...this.#handlers, handler];
    return () => {
      const index = this.#handlers.indexOf(handler);
      if (index >= 0) this.#handlers = this.#handlers.toSpliced(index, 1);
    };
  }

  /** Receives the events of one type. */
  on<Type extends Event['type']>(
    type: Type,
    handler: (event: Extract<Event, { readonly type: Type }>) => void,
  ): () => void {
    return this.subscribe((event) => {
      if (event.type === type) handler(event as Extract<Event, { readonly type: Type }>);
    });
  }

  publish(event: Event): void {
    for (const handler of this.#handlers) handler(event);
  }
}
