/** RTCSessionDescriptionInit as PeerJS carries it in OFFER and ANSWER payloads. */
export interface SessionDescriptionInit {
  type: 'offer' | 'answer';
  sdp: string;
}

/** RTCIceCandidateInit as PeerJS carries it in CANDIDATE payloads. */
export interface IceCandidateInit {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}
