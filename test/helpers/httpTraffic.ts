import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** One request an HTTP server of this process answered, as it arrived and as it was answered. */
export interface AnsweredRequest {
  readonly method: string;
  /** The request target, query included. */
  readonly url: string;
  readonly host: string | undefined;
  readonly origin: string | undefined;
  readonly secFetchSite: string | undefined;
  readonly status: number;
}

interface ResponseFinish {
  request: IncomingMessage;
  response: ServerResponse;
  socket: Socket;
}

const CHANNEL = 'http.server.response.finish';

/**
 * Records what an in-process HTTP server listening on `port` answered, through Node's built-in
 * diagnostics channel: a test sees every request that reached the server (and its status) without
 * the server exposing anything. Call `stop()` when done.
 */
export class HttpTraffic {
  readonly answered: AnsweredRequest[] = [];
  private readonly listener = (message: unknown): void => {
    const { request, response, socket } = message as ResponseFinish;
    if (socket.localPort !== this.port) return;
    const header = (name: string): string | undefined => {
      const value = request.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    };
    this.answered.push({
      method: request.method ?? '',
      url: request.url ?? '',
      host: header('host'),
      origin: header('origin'),
      secFetchSite: header('sec-fetch-site'),
      status: response.statusCode,
    });
  };

  constructor(private readonly port: number) {
    subscribe(CHANNEL, this.listener);
  }

  /** The answered requests with this method whose path (without the query) is `path`. */
  to(method: string, path: string): AnsweredRequest[] {
    return this.answered.filter((r) => r.method === method && r.url.split('?')[0] === path);
  }

  /** Forgets what was recorded so far. */
  clear(): void {
    this.answered.length = 0;
  }

  stop(): void {
    unsubscribe(CHANNEL, this.listener);
  }
}
