import type { TransportOptions } from '../../native/NativeTransport.js';
import type { IceConfiguration } from './IceConfiguration.js';

/** What every native transport of the gateway is made with, for media and data alike. */
export interface TransportSettings {
  /** Local addresses to gather host candidates on (a shared port, when configured, is the engine's). */
  readonly bindAddresses: readonly string[];
  /** STUN/TURN servers, TURN credentials per peer, relay policy, advertised addresses. */
  readonly ice: IceConfiguration;
}

/**
 * The ICE part of one connection's transport options for `peer`: bind addresses, STUN servers,
 * TURN servers with credentials minted now (valid from this connection's start), the relay
 * policy and the advertised addresses.
 */
export function transportOptionsFor(settings: TransportSettings, peer: { readonly id: string; readonly turn: boolean }, role: 'controlling' | 'controlled'): TransportOptions {
  return { role, bindAddresses: [...settings.bindAddresses], ...settings.ice.forPeer(peer.id, peer.turn).media };
}

/** Only relay candidates allowed and no TURN server to get one from (a `turn: false` peer): why nothing can connect. */
export function cannotGatherReason(options: TransportOptions): string | undefined {
  if (!options.relayOnly || (options.turnServers ?? []).length > 0) return undefined;
  return 'ICE can gather no candidate: ice_transport_policy is relay and this peer has no TURN server (it was created with turn: false)';
}
