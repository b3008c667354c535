import type { Logger } from '../../log/createLogger.js';
import type { DataChannelInitOptions } from '../../signaling/connectionPayloads.js';
import { PeerJsConnection, type PeerJsConnectionOptions } from '../connections/PeerJsConnection.js';
import { turnFailureMessage } from '../ice/turnFailureMessage.js';
import type { DataPort, DatagramSink } from '../ports/DataPort.js';
import { ChannelBackpressure } from './ChannelBackpressure.js';
import type { DataChannelLink, DataChannelLinkListener } from './DataChannelLink.js';
import type { DataConnectionEvent } from './DataConnectionEvent.js';
import type { DatagramEgress } from './DatagramEgress.js';
import { DropCounter } from './DropCounter.js';
import type { DropReason } from './DropReason.js';
import { redirectParams, type RedirectTarget } from './RedirectTarget.js';
import { createSerialization } from './serialization/createSerialization.js';
import { SERIALIZATIONS, type DataSerialization, type SerializationName } from './serialization/DataSerialization.js';
import type { IceCandidateInit, SessionDescriptionInit } from './wrtc.js';

export interface DataConnectionOptions extends PeerJsConnectionOptions {
  readonly label: string;
  readonly metadata: unknown;
  readonly serialization: SerializationName;
  readonly reliable: boolean;
  /** dcInit of an outgoing connection (sent along when the channel is pre-negotiated). */
  readonly dcInit: DataChannelInitOptions | undefined;
  readonly bufferLimitBytes: number;
  readonly egress: DatagramEgress;
  readonly logger: Logger;
  /** Told once, when the connection has closed for any reason. */
  readonly onClosed: (connection: DataConnection, feed: DataPort | undefined) => void;
}

export type DataConnectionState = 'connecting' | 'open' | 'closed';

/**
 * A PeerJS DataConnection held for a REST user: its DataChannel (through a DataChannelLink),
 * the data port that feeds it, the address its messages are redirected to, its serialization,
 * counters and event queue. Datagrams in become messages out one for one, and back.
 */
export class DataConnection
  extends PeerJsConnection<DataConnectionOptions, DataConnectionState, DataConnectionEvent>
  implements DatagramSink, DataChannelLinkListener
{
  private readonly serialization: DataSerialization;
  private readonly drops: DropCounter;
  private link: DataChannelLink | undefined;
  /** Candidates that came before the link existed (an incoming offer while libwebrtc loads). */
  private readonly earlyCandidates: IceCandidateInit[] = [];
  private backpressure: ChannelBackpressure | undefined;
  private feedPort: DataPort | undefined;
  private redirect: RedirectTarget | undefined;
  private readonly stats = { sentMessages: 0, sentBytes: 0, receivedMessages: 0, receivedBytes: 0 };
  /** TURN servers already reported in an ERROR event (one per server URL). */
  private readonly failedTurnServers = new Set<string>();
  private readonly onRedirectSent = (error: Error | null): void => {
    if (error) this.drops.add('from_remote', 'send_failed');
  };

  constructor(options: DataConnectionOptions) {
    super(options, 'connecting');
    this.serialization = createSerialization(options.serialization);
    this.drops = new DropCounter(options.logger, (direction, reason, count) =>
      this.events.push({ event: 'ERROR', error_message: dropMessage(direction, reason, count) }),
    );
  }

  get feed(): DataPort | undefined {
    return this.feedPort;
  }

  /** Attaches the DataChannelLink that carries this connection (made by the registry). */
  bind(link: DataChannelLink): void {
    this.link = link;
    this.backpressure = new ChannelBackpressure(() => link.bufferedAmount(), this.options.bufferLimitBytes);
    for (const candidate of this.earlyCandidates.splice(0)) link.addRemoteCandidate(candidate);
  }

  /** Which data port feeds the connection (undefined: none). */
  setFeed(port: DataPort | undefined): void {
    if (this.stateValue === 'closed') return;
    this.feedPort?.detach(this);
    this.feedPort = port;
    port?.attach(this);
  }

  /** Where received messages go as datagrams (undefined: nowhere; they are dropped and counted). */
  setRedirect(target: RedirectTarget | undefined): void {
    this.redirect = target;
  }

  /** A relayed ANSWER or CANDIDATE for this connection. */
  acceptAnswer(sdp: string): void {
    this.link?.acceptAnswer(sdp);
  }

  addRemoteCandidate(candidate: IceCandidateInit): void {
    if (this.link) this.link.addRemoteCandidate(candidate);
    else if (this.earlyCandidates.length < 64) this.earlyCandidates.push(candidate);
  }

  /**
   * Closes the channel and the PeerConnection, raises ERROR (when `error` says what failed) and
   * CLOSE, and tells the registry; `reason` (why it closed otherwise) goes to the log. Idempotent.
   */
  close(error?: string, reason?: string): void {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'closed';
    this.link?.close();
    this.backpressure?.stop();
    const feed = this.feedPort;
    feed?.detach(this);
    if (error) this.events.push({ event: 'ERROR', error_message: error });
    this.events.push({ event: 'CLOSE' });
    this.options.logger.info({ remote: this.remoteId, error, reason }, 'data connection closed');
    this.options.onClosed(this, feed);
  }

  /** GET /data/connections/{id}/status: the SkyWay fields, then ours. */
  async status(): Promise<Record<string, unknown>> {
    const { options, stats } = this;
    const pair = this.stateValue === 'closed' ? null : ((await this.link?.selectedCandidatePair()) ?? null);
    return {
      remote_id: options.remoteId,
      buffersize: this.stateValue === 'open' ? (this.link?.bufferedAmount() ?? 0) : 0,
      label: options.label,
      metadata: options.metadata ?? null,
      open: this.stateValue === 'open',
      reliable: options.reliable,
      serialization: options.serialization,
      type: 'DATA',
      data_connection_id: this.id,
      state: this.stateValue,
      feed_params: this.feedPort ? { data_id: this.feedPort.id } : null,
      redirect_params: this.redirect ? redirectParams(this.redirect) : null,
      selected_candidate_pair: pair,
      stats: {
        sent_messages: stats.sentMessages,
        sent_bytes: stats.sentBytes,
        received_messages: stats.receivedMessages,
        received_bytes: stats.receivedBytes,
        dropped_total: this.drops.total,
        dropped: this.drops.snapshot(),
        buffer_limit: options.bufferLimitBytes,
        congested: this.backpressure?.congested ?? false,
      },
    };
  }

  /** The OFFER payload of an outgoing connection, as the stock client sends it. */
  offerPayload(description: SessionDescriptionInit): Record<string, unknown> {
    const { options } = this;
    return {
      sdp: description,
      type: 'data',
      connectionId: options.connectionId,
      metadata: options.metadata,
      label: options.label,
      reliable: options.reliable,
      serialization: SERIALIZATIONS[options.serialization],
      // Our extension, ignored by the stock client: the answering gateway needs it to create a
      // pre-negotiated channel, which announces nothing in-band.
      ...(options.dcInit?.negotiated ? { dcInit: options.dcInit } : {}),
    };
  }

  // ---- DatagramSink: the data port's datagrams, towards the remote ----

  onDatagram(datagram: Buffer): void {
    if (this.stateValue !== 'open') {
      this.drops.add('to_remote', 'channel_not_open');
      return;
    }
    const messages = this.serialization.encode(datagram);
    if (typeof messages === 'string') {
      this.drops.add('to_remote', messages);
      return;
    }
    const link = this.link!;
    let bytes = 0;
    for (const message of messages) {
      if (message.length > link.maxMessageSize) {
        this.drops.add('to_remote', 'too_large');
        return;
      }
      bytes += message.length;
    }
    if (!this.backpressure!.admit(bytes)) {
      this.drops.add('to_remote', 'buffer_full');
      return;
    }
    try {
      for (const message of messages) link.send(message);
    } catch {
      this.drops.add('to_remote', 'send_failed');
      return;
    }
    this.stats.sentMessages++;
    this.stats.sentBytes += datagram.length;
  }

  // ---- DataChannelLinkListener ----

  onLocalDescription(description: SessionDescriptionInit): void {
    const { peer, remoteId, originator, connectionId } = this.options;
    const payload = originator ? this.offerPayload(description) : { sdp: description, type: 'data', connectionId };
    peer.signal({ type: originator ? 'OFFER' : 'ANSWER', dst: remoteId, payload });
  }

  onLocalCandidate(candidate: IceCandidateInit): void {
    const { peer, remoteId, connectionId } = this.options;
    peer.signal({ type: 'CANDIDATE', dst: remoteId, payload: { candidate, type: 'data', connectionId } });
  }

  /**
   * A TURN server that refused with a STUN error code (401 for the credentials): an ERROR event
   * naming it, once per server; the connection goes on with its other candidates. libwebrtc's 701
   * ("no answer", or "address incompatible" for each local address of another family) is not
   * evidence enough that the server is unusable: it is only logged.
   */
  onIceServerError(url: string, code: number, text: string): void {
    if (!/^turns?:/.test(url)) return;
    if (code < 300 || code > 699) {
      this.options.logger.debug({ url, code, text }, 'TURN server gave no candidate on one local address');
      return;
    }
    this.options.logger.warn({ url, code, text }, 'TURN server unusable for this data connection');
    if (this.failedTurnServers.has(url) || this.stateValue === 'closed') return;
    this.failedTurnServers.add(url);
    this.events.push({ event: 'ERROR', error_message: turnFailureMessage(url, code, text) });
  }

  onOpen(): void {
    if (this.stateValue !== 'connecting') return;
    this.stateValue = 'open';
    this.options.logger.info({ remote: this.remoteId }, 'data connection open');
    this.events.push({ event: 'OPEN' });
  }

  onMessage(message: ArrayBuffer | string): void {
    const decoded = this.serialization.decode(message);
    switch (decoded.kind) {
      case 'close':
        this.close(undefined, 'the remote closed it (in-band close message)');
        return;
      case 'partial':
        if (decoded.evicted > 0) this.drops.add('from_remote', 'incomplete', decoded.evicted);
        return;
      case 'drop':
        this.drops.add('from_remote', decoded.reason);
        return;
      case 'datagram':
        this.redirectDatagram(decoded.datagram);
    }
  }

  onEnded(reason: string | undefined): void {
    this.close(reason);
  }

  private redirectDatagram(datagram: Buffer): void {
    const target = this.redirect;
    if (!target) {
      this.drops.add('from_remote', 'no_redirect');
      return;
    }
    const port = this.feedPort;
    if (port && port.family === target.family) port.send(datagram, target.port, target.address, this.onRedirectSent);
    else this.options.egress.send(datagram, target, this.onRedirectSent);
    this.stats.receivedMessages++;
    this.stats.receivedBytes += datagram.length;
  }
}

function dropMessage(direction: 'to_remote' | 'from_remote', reason: DropReason, count: number): string {
  const what = direction === 'to_remote' ? 'datagrams for the remote' : 'messages from the remote';
  return `dropped ${what}: ${reason} (${count} so far; see stats.dropped in the status)`;
}
