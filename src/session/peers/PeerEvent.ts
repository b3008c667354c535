import type { PeerErrorName } from '../../signaling/client/PeerJsClient.js';

/** Who an event is about, present on every peer event. */
export interface PeerParams {
  peer_id: string;
  token: string;
}

/** The SkyWay PeerEventMessage shapes. */
export type PeerEvent =
  | { event: 'OPEN'; params: PeerParams }
  | { event: 'CLOSE'; params: PeerParams }
  | { event: 'ERROR'; params: PeerParams; error_message: PeerErrorName }
  | { event: 'EXPIRESIN'; params: PeerParams; remainingSec: number }
  | { event: 'CONNECTION'; params: PeerParams; data_params: { data_connection_id: string } }
  | { event: 'CALL'; params: PeerParams; call_params: { media_connection_id: string } };
