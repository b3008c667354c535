import { EventQueue } from '../events/EventQueue.js';
import type { GatewayPeer } from '../peers/GatewayPeer.js';

/** Who a Data- or MediaConnection is between, and how PeerJS and REST name it. */
export interface PeerJsConnectionOptions {
  /** The REST id, "dc-<uuid>" or "mc-<uuid>". */
  readonly id: string;
  /** The PeerJS connectionId, "dc_<token>" or "mc_<token>". */
  readonly connectionId: string;
  readonly peer: GatewayPeer;
  readonly remoteId: string;
  /** Whether the gateway sent the OFFER. */
  readonly originator: boolean;
}

/** What Data- and MediaConnections share: identity, state and the REST event queue. */
export abstract class PeerJsConnection<Options extends PeerJsConnectionOptions, State extends string, Event> {
  readonly id: string;
  readonly events = new EventQueue<Event>();
  protected stateValue: State;

  constructor(
    readonly options: Options,
    initialState: State,
  ) {
    this.id = options.id;
    this.stateValue = initialState;
  }

  get state(): State {
    return this.stateValue;
  }

  get peer(): GatewayPeer {
    return this.options.peer;
  }

  get remoteId(): string {
    return this.options.remoteId;
  }

  get connectionId(): string {
    return this.options.connectionId;
  }

  get originator(): boolean {
    return this.options.originator;
  }
}
