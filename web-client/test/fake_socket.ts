// A fake WebSocket for the sync engine's tests: records what is sent, delivers frames (several
// messages joined by newlines, as a4pd coalesces them) and drops the link on demand.
import type { SocketLike } from '../src/sync/sync_client';

export class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  sent: Record<string, any>[] = [];
  closed_with: number | null = null;
  constructor(
    readonly url: string,
    readonly protocol: string,
  ) {}
  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000): void {
    this.closed_with = code;
    this.readyState = 3;
  }
  // test helpers
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  recv(...msgs: object[]): void {
    this.onmessage?.({ data: msgs.map((m) => JSON.stringify(m)).join('\n') });
  }
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  of_type(t: string) {
    return this.sent.filter((m) => m.type === t);
  }
}
