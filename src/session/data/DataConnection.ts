import type { Logger } from '../../log/createLogger.js';
import type { DataDropReason, DataDrops, DataStats } from '../../native/NativeTypes.js';
import type { DataChannelInitOptions } from '../../signaling/connectionPayloads.js';
import { PeerJsConnection, type PeerJsConnectionOptions } from '../connections/PeerJsConnection.js';
import { TurnFailureReports } from '../ice/TurnFailureReports.js';
import type { NativeUdpPort } from '../ports/NativeUdpPort.js';
import type { DataChannelLink, DataChannelLinkListener } from './DataChannelLink.js';
import type { DataConnectionEvent } from './DataConnectionEvent.js';
import { DropCounter, type DropDirection } from './DropCounter.js';
import { DROP_REASONS, type DropReason } from './DropReason.js';
import { redirectParams, type RedirectTarget } from './RedirectTarget.js';
import { createSerialization } from './serialization/createSerialization.js';
import { SERIALIZATIONS, type DataSerialization, type SerializationName } from './serialization/DataSerialization.js';
import type { IceCandidateInit, SessionDescriptionInit } from './signalingTypes.js';

export interface DataConnectionOptions extends PeerJsConnectionOptions {
  readonly label: string;
  readonly metadata: unknown;
  readonly serialization: SerializationName;
  readonly reliable: boolean;
  /** dcInit of an outgoing connection (sent along when the channel is pre-negotiated). */
  readonly dcInit: DataChannelInitOptions | undefined;
  readonly bufferLimitBytes: number;
  readonly logger: Logger;
  /** Told once, when the connection has closed for any reason. */
  readonly onClosed: (connection: DataConnection, feed: NativeUdpPort | undefined) => void;
}

export type DataConnectionState = 'connecting' | 'open' | 'closed';

/**
 * A PeerJS DataConnection held for a REST user: its DataChannel (on a native transport, through a
 * DataChannelLink), the data port that feeds it, the address its messages are redirected to, its
 * counters and event queue. Datagrams in become messages out one for one, and back, natively;
 * JavaScript sees only what the native codec hands up (the slow path) and the drop reports.
 */
export class DataConnection
  extends PeerJsConnection<DataConnectionOptions, DataConnectionState, DataConnectionEvent>
  implements DataChannelLinkListener
{
  /** Decodes the slow path's messages (a BinaryPack value that is not bytes or a string). */
  private readonly serialization: DataSerialization;
  /** Reports drops as ERROR events; counts the slow path's own (the native ones are in the transport's stats). */
  private readonly drops: DropCounter;
  private link: DataChannelLink | undefined;
  private feedPort: NativeUdpPort | undefined;
  private redirect: RedirectTarget | undefined;
  /** TURN servers already reported in an ERROR event (one per server URL). */
  private readonly turnFailures = new TurnFailureReports();

  constructor(options: DataConnectionOptions) {
    super(options, 'connecting');
    this.serialization = createSerialization(options.serialization);
    this.drops = new DropCounter(options.logger, (direction, reason, count) =>
      this.events.push({ event: 'ERROR', error_message: dropMessage(direction, reason, count) }),
    );
  }

  get feed(): NativeUdpPort | undefined {
    return this.feedPort;
  }

  /** Attaches the DataChannelLink that carries this connection (made by the registry). */
  bind(link: DataChannelLink): void {
    this.link = link;
  }

  /** Which data port feeds the connection (undefined: none). */
  setFeed(port: NativeUdpPort | undefined): void {
    if (this.stateValue === 'closed') return;
    const previous = this.feedPort;
    this.link?.setFeed(port?.native, previous?.native);
    previous?.release(this.id);
    port?.use(this.id);
    this.feedPort = port;
  }

  /** Where received messages go as datagrams (undefined: nowhere; they are dropped and counted). */
  setRedirect(target: RedirectTarget | undefined): void {
    this.redirect = target;
    if (this.stateValue !== 'closed') this.link?.setRedirect(target ? { ip: target.address, port: target.port } : null);
  }

  /** A relayed ANSWER or CANDIDATE for this connection. */
  acceptAnswer(sdp: string): void {
    this.link?.acceptAnswer(sdp);
  }

  addRemoteCandidate(candidate: IceCandidateInit): void {
    this.link?.addRemoteCandidate(candidate);
  }

  /**
   * Closes the channel and the transport, raises ERROR (when `error` says what failed) and
   * CLOSE, and tells the registry; `reason` (why it closed otherwise) goes to the log. Idempotent.
   */
  close(error?: string, reason?: string): void {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'closed';
    this.link?.close();
    const feed = this.feedPort;
    feed?.release(this.id);
    if (error) this.events.push({ event: 'ERROR', error_message: error });
    this.events.push({ event: 'CLOSE' });
    this.options.logger.info({ remote: this.remoteId, error, reason }, 'data connection closed');
    this.options.onClosed(this, feed);
  }

  /** GET /data/connections/{id}/status: the SkyWay fields, then ours. */
  async status(): Promise<Record<string, unknown>> {
    const { options } = this;
    const open = this.stateValue === 'open';
    const s = this.currentStats();
    const dropped = this.droppedSnapshot(s);
    const droppedTotal = Object.values(dropped).reduce((sum, byReason) => sum + Object.values(byReason).reduce((a, b) => a + (b ?? 0), 0), 0);
    return {
      remote_id: options.remoteId,
      buffersize: open ? (s?.bufferedAmount ?? 0) : 0,
      label: options.label,
      metadata: options.metadata ?? null,
      open,
      reliable: options.reliable,
      serialization: options.serialization,
      type: 'DATA',
      data_connection_id: this.id,
      state: this.stateValue,
      feed_params: this.feedPort ? { data_id: this.feedPort.id } : null,
      redirect_params: this.redirect ? redirectParams(this.redirect) : null,
      selected_candidate_pair: this.stateValue === 'closed' ? null : (this.link?.selectedCandidatePair() ?? null),
      stats: {
        sent_messages: s?.sentMessages ?? 0,
        sent_bytes: s?.sentBytes ?? 0,
        received_messages: s?.receivedMessages ?? 0,
        received_bytes: s?.receivedBytes ?? 0,
        dropped_total: droppedTotal,
        dropped,
        buffer_limit: options.bufferLimitBytes,
        congested: open ? (s?.congested ?? false) : false,
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

  /** A TURN server this connection cannot use: an ERROR event naming it, once per server; the connection goes on. */
  onTurnFailed(url: string, code: number, cause: string): void {
    this.options.logger.warn({ url, code, cause }, 'TURN server unusable for this data connection');
    if (this.stateValue === 'closed') return;
    const message = this.turnFailures.firstReport(url, code, cause);
    if (message) this.events.push({ event: 'ERROR', error_message: message });
  }

  onOpen(): void {
    if (this.stateValue !== 'connecting') return;
    this.stateValue = 'open';
    this.options.logger.info({ remote: this.remoteId }, 'data connection open');
    this.events.push({ event: 'OPEN' });
  }

  /** The slow path: one whole message the native codec could not turn into a datagram itself. */
  onMessage(binary: boolean, data: Buffer): void {
    const message = binary ? data.buffer.slice(data.byteOffset, data.byteOffset + data.length) : data.toString('utf8');
    const decoded = this.serialization.decode(message as ArrayBuffer | string);
    switch (decoded.kind) {
      case 'close':
        this.onRemoteClose();
        return;
      case 'partial':
        if (decoded.evicted > 0) this.drops.add('from_remote', 'incomplete', decoded.evicted);
        return;
      case 'drop':
        this.drops.add('from_remote', decoded.reason);
        return;
      case 'datagram':
        // Counted natively (delivered, or dropped under its reason).
        this.link?.deliverDatagram(decoded.datagram);
    }
  }

  onRemoteClose(): void {
    this.close(undefined, 'the remote closed it (in-band close message)');
  }

  /** A native drop report: the ERROR event says how many so far, as when JavaScript counted them. */
  onDrops(direction: DropDirection, reason: DataDropReason, count: number): void {
    if (!isDropReason(reason) || count <= 0) return;
    const native = this.currentStats();
    const nativeTotal = native ? (direction === 'to_remote' ? native.droppedToRemote : native.droppedFromRemote)[reason] : count;
    this.drops.observe(direction, reason, nativeTotal + (this.drops.snapshot()[direction][reason] ?? 0));
  }

  onEnded(reason: string | undefined): void {
    this.close(reason);
  }

  /** The transport's counters (kept by the link once it closed). */
  private currentStats(): DataStats | undefined {
    try {
      return this.link?.stats();
    } catch {
      // The transport closed natively meanwhile.
      return undefined;
    }
  }

  /** Drops by direction and reason, zeros left out: the native counts plus the slow path's. */
  private droppedSnapshot(s: DataStats | undefined): Record<DropDirection, Partial<Record<DropReason, number>>> {
    const local = this.drops.snapshot();
    const merge = (direction: DropDirection, native: DataDrops | undefined): Partial<Record<DropReason, number>> => {
      const out: Partial<Record<DropReason, number>> = {};
      for (const reason of DROP_REASONS) {
        const n = (native?.[reason] ?? 0) + (local[direction][reason] ?? 0);
        if (n) out[reason] = n;
      }
      return out;
    };
    return { to_remote: merge('to_remote', s?.droppedToRemote), from_remote: merge('from_remote', s?.droppedFromRemote) };
  }
}

function isDropReason(reason: string): reason is DropReason {
  return (DROP_REASONS as readonly string[]).includes(reason);
}

function dropMessage(direction: DropDirection, reason: DropReason, count: number): string {
  const what = direction === 'to_remote' ? 'datagrams for the remote' : 'messages from the remote';
  return `dropped ${what}: ${reason} (${count} so far; see stats.dropped in the status)`;
}
