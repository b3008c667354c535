// The NAT suite's addresses. The "internet" is 203.0.113.0/24 (TEST-NET-3, RFC 5737): a bridge in
// the internet namespace, which forwards nothing further, so no test packet has anywhere else to go.

/** The internet bridge's subnet: the TURN/STUN server and both NATs' public sides. */
export const INTERNET_PREFIX = 24;
/** The TURN/STUN server's two addresses (two, so a binding to each shows whether a NAT's mapping depends on the destination). */
export const SERVER_IPS = ['203.0.113.1', '203.0.113.2'] as const;
export const GATEWAY_NAT_PUBLIC_IP = '203.0.113.10';
export const PEER_NAT_PUBLIC_IP = '203.0.113.20';

/** The gateway's private LAN (the test process's own namespace) behind the gateway's NAT. */
export const GATEWAY_LAN = { subnet: '10.0.1.0/24', natIp: '10.0.1.1', hostIp: '10.0.1.2', prefix: 24 } as const;
/** The remote peer's private LAN behind the peer's NAT. */
export const PEER_LAN = { subnet: '10.0.2.0/24', natIp: '10.0.2.1', hostIp: '10.0.2.2', prefix: 24 } as const;

/** The internet's default route: a next hop on a veth whose MAC no interface has (TEST-NET-2, RFC 5737). */
export const SINK = { ip: '198.51.100.1', nextHop: '198.51.100.2', nextHopMac: '02:00:5e:00:53:01' } as const;

/** The veth end in the test process's namespace; only one topology can hold the name at a time. */
export const GATEWAY_INTERFACE = 'wgnat-gw';
