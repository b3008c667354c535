/** What a port is for; it decides the id prefix and which REST path owns it. */
export type PortKind = 'video' | 'audio' | 'rtcp' | 'data';

export const ID_PREFIX: Record<PortKind, string> = { video: 'vi', audio: 'au', rtcp: 'rc', data: 'da' };

/** Datagrams a port has seen, so a user can check that their sender reaches the gateway. */
export interface PortTraffic {
  packets: number;
  bytes: number;
  /** Datagrams larger than the gateway accepts on this kind of port. */
  droppedOversize: number;
  socketErrors: number;
  /** "ip:port" of the latest sender, or null before the first datagram. */
  lastSource: string | null;
}

/** A UDP port handed out through the REST API. */
export interface UdpPortResource {
  readonly id: string;
  readonly kind: PortKind;
  readonly port: number;
  /** The address the socket is bound to. */
  readonly bindIp: string;
  traffic(): PortTraffic;
  /** Ids of the connections this port feeds; a port in use cannot be deleted. */
  usedBy(): string[];
  /** Closes the socket; resolves once the port can be bound again. */
  close(): Promise<void>;
}
