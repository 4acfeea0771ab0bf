// The exports of dashboard-client.js that tests reach (the page itself only calls startDashboard).
export interface StreamEvent {
  readonly event: string;
  readonly data: string;
}
export class EventStreamParser {
  push(chunk: string): StreamEvent[];
}
export function isEngineState(value: unknown): boolean;
export function isFill(value: unknown): boolean;
export function formatUsd(text: string | null | undefined): string;
export function formatMicros(us: unknown): string;
export function retryDelayMs(attempt: number, random?: () => number): number;
export function startDashboard(window: unknown): void;
