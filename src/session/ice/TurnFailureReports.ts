import { turnFailureMessage } from './turnFailureMessage.js';

/**
 * The TURN servers a connection could not use, each reported once (an ERROR event, as a
 * MediaConnection, DataConnection or WHIP/WHEP session says it). Bounded by the configured servers.
 */
export class TurnFailureReports {
  private readonly byUrl = new Map<string, string>();

  /** The message for `url`'s first failure; undefined when that server was reported already. */
  firstReport(url: string, code: number, cause: string): string | undefined {
    if (this.byUrl.has(url)) return undefined;
    const message = turnFailureMessage(url, code, cause);
    this.byUrl.set(url, message);
    return message;
  }

  /** Every message reported, in order. */
  get messages(): string[] {
    return [...this.byUrl.values()];
  }
}
