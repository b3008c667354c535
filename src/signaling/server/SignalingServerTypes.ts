/** Hooks the gateway gives the signaling server. */
export interface SignalingServerOptions {
  /**
   * Asked before a new client is admitted (not for a re-attach, which keeps its place). False:
   * it is refused with the connection-limit ERROR. The gateway passes its file-descriptor budget.
   */
  canAdmit?: () => boolean;
  /**
   * Called exactly once when a bound client is removed, whatever the reason: its socket closed,
   * LEAVE without dst, silent past the alive timeout, credential expired, stopped reading. Not
   * when a re-attach replaces its socket, nor when the server stops.
   */
  onClientGone?: (id: string) => void;
}

/** Why a bound client was removed (logged, and the kinds onClientGone covers). */
export type DepartureReason = 'closed' | 'left' | 'silent' | 'expired' | 'slow-consumer';

export interface SignalingStats {
  /** Clients bound now. */
  clients: number;
  /** Messages delivered to a connected client. */
  relayed: number;
  /** Messages held for absent peers now, and their bytes. */
  queued: number;
  queuedBytes: number;
  /** Senders read no further until a destination they flooded drains. */
  pausedSenders: number;
  /** (sender, destination) pairs told EXPIRE after waiting for a destination that never came. */
  expired: number;
  /** Connections refused, whatever the reason (the next three counters included). */
  rejected: number;
  /** Clients closed for a malformed or oversized message. */
  malformed: number;
  /** Clients disconnected because they stopped reading: unsent bytes past the limit, or no drain in time. */
  slowConsumers: number;
  /** Messages for absent peers refused at once (queue bounds), their sender told EXPIRE. */
  queueRefused: number;
  /** Newcomers refused with ID-TAKEN: another token, or the holder of the id is still alive. */
  idTaken: number;
  /** New clients refused because canAdmit said no. */
  refusedByCanAdmit: number;
  /** TCP connections closed on arrival because the server held its maximum. */
  connectionsDropped: number;
}

/** The counting part of the stats, shared by the server's parts that count. */
export type SignalingCounters = Omit<SignalingStats, 'clients' | 'queued' | 'queuedBytes' | 'pausedSenders'>;

export function newSignalingCounters(): SignalingCounters {
  return {
    relayed: 0,
    expired: 0,
    rejected: 0,
    malformed: 0,
    slowConsumers: 0,
    queueRefused: 0,
    idTaken: 0,
    refusedByCanAdmit: 0,
    connectionsDropped: 0,
  };
}
