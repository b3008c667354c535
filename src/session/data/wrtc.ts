/**
 * The part of @roamhq/wrtc (libwebrtc) that DataConnections use, typed structurally so the rest
 * of the code needs no DOM typings. The module is loaded on first use: a gateway that never
 * opens a DataConnection never starts libwebrtc's threads.
 */
export interface IceCandidateInit {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

/**
 * RTCPeerConnectionIceErrorEvent: `errorCode` is the server's STUN error code (300 to 699, e.g.
 * 401 for refused credentials) or 701 when no answer came or the server could not be reached
 * from one local address (libwebrtc reports those per local interface).
 */
export interface IceCandidateErrorEvent {
  url?: string;
  errorCode?: number;
  errorText?: string;
}

export interface SessionDescriptionInit {
  type: 'offer' | 'answer';
  sdp: string;
}

export interface DataChannelInit {
  ordered?: boolean;
  maxPacketLifeTime?: number;
  maxRetransmits?: number;
  protocol?: string;
  negotiated?: boolean;
  id?: number;
  priority?: 'very-low' | 'low' | 'medium' | 'high';
}

export interface WrtcDataChannel {
  readonly label: string;
  binaryType: string;
  /** A blocking call into libwebrtc's signaling thread (tens of µs): never read it per message. */
  readonly bufferedAmount: number;
  send(data: ArrayBufferView | string): void;
  close(): void;
  onopen: (() => void) | null;
  onclose: (() => void) | null;
  onerror: ((event: { error?: Error }) => void) | null;
  onmessage: ((event: { data: ArrayBuffer | string }) => void) | null;
}

export interface WrtcPeerConnection {
  readonly iceConnectionState: string;
  createDataChannel(label: string, init?: DataChannelInit): WrtcDataChannel;
  createOffer(): Promise<SessionDescriptionInit>;
  createAnswer(): Promise<SessionDescriptionInit>;
  setLocalDescription(description: SessionDescriptionInit): Promise<void>;
  setRemoteDescription(description: SessionDescriptionInit): Promise<void>;
  addIceCandidate(candidate: IceCandidateInit): Promise<void>;
  getStats(): Promise<RtcStatsReport>;
  close(): void;
  onicecandidate: ((event: { candidate: IceCandidateInit | null }) => void) | null;
  /** A STUN or TURN server gave no candidate (W3C webrtc-pc section 4.8.2, RTCPeerConnectionIceErrorEvent). */
  onicecandidateerror: ((event: IceCandidateErrorEvent) => void) | null;
  oniceconnectionstatechange: (() => void) | null;
  ondatachannel: ((event: { channel: WrtcDataChannel }) => void) | null;
}

/**
 * The RTCConfiguration members the gateway sets. libwebrtc through @roamhq/wrtc also takes
 * `portRange: {min, max}`, but nothing that picks the local addresses it gathers on: it uses
 * every interface.
 */
export interface RtcConfiguration {
  iceServers?: { urls: string | string[]; username?: string; credential?: string }[];
  iceTransportPolicy?: 'all' | 'relay';
}

/** RTCStatsReport: a maplike of stats dictionaries by id (W3C webrtc-stats). */
export interface RtcStatsReport {
  values(): Iterable<Record<string, unknown>>;
}

export type PeerConnectionFactory = (config: RtcConfiguration) => WrtcPeerConnection;

let factory: Promise<PeerConnectionFactory> | undefined;

/** libwebrtc's RTCPeerConnection, loaded once. */
export function loadPeerConnectionFactory(): Promise<PeerConnectionFactory> {
  factory ??= import('@roamhq/wrtc').then((mod) => {
    const wrtc = (mod as { default?: unknown }).default ?? mod;
    const Ctor = (wrtc as { RTCPeerConnection: new (config: RtcConfiguration) => WrtcPeerConnection }).RTCPeerConnection;
    return (config: RtcConfiguration) => new Ctor(config);
  });
  return factory;
}
