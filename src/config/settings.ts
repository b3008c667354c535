import { defaultAdvertisedIpV4, defaultMediaBindAddresses } from './hostDefaults.js';
import { field, part, type Setting } from './Setting.js';
import * as p from './valueParsers.js';
import { ICE_TRANSPORT_POLICIES, type IceTransportPolicy } from '../session/ice/IceConfiguration.js';
import type { IceServerUrl } from '../session/ice/IceServerUrl.js';
import { DEFAULT_CONNECTION_LIMITS as LIMITS } from '../session/limits/ConnectionLimits.js';
import { DEFAULT_SIGNALING as SIGNALING } from '../signaling/server/SignalingConfig.js';

export type { Setting } from './Setting.js';
/** The shape every setting shares: what --help, the flags and the README test read. */
export type SettingSpec = Setting;

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Every setting, in --help order, by the name of the GatewayConfig field it fills (or, for a
 * part(), the name loadConfig reads it by). GatewayConfig's types come from here.
 */
export const SETTING_TABLE = {
  apiHost: field({
    key: 'api_host', type: 'string', default: '127.0.0.1', parse: p.ipAddress,
    help: 'Address the REST API listens on. Before exposing it (0.0.0.0), set api_token (docs/SECURITY.md).',
  }),
  apiPort: field({ key: 'api_port', type: 'integer', default: 8000, parse: p.integerIn(0, 65535), help: 'TCP port of the REST API.' }),
  apiToken: field({
    key: 'api_token', type: 'string', default: undefined, defaultText: 'none (no authentication)', parse: p.apiToken,
    help: 'When set, every REST call must carry "Authorization: Bearer <token>" (401 otherwise). Set it for any api_host other than loopback.',
  }),
  apiAllowedHosts: field({
    key: 'api_allowed_hosts', type: 'string', default: [], defaultText: 'none (IP literals and localhost only)', parse: p.hostNameList,
    help: 'Comma-separated host names the REST API answers to besides IP literals and localhost; other Host headers get 421 (a DNS rebinding defence).',
  }),
  apiAllowedOrigins: field({
    key: 'api_allowed_origins', type: 'string', default: [], defaultText: "none (only the API's own origin)", parse: p.originList,
    help: 'Comma-separated web origins (e.g. https://app.example.com) whose pages may call the REST API; requests from other origins get 403.',
  }),
  logLevel: field<LogLevel>({
    key: 'log_level', type: 'string', default: 'info', parse: p.oneOf(LOG_LEVELS),
    help: `Log verbosity: ${LOG_LEVELS.join(', ')}. Logs are JSON lines on stdout.`,
  }),
  portBindIp: field({
    key: 'port_bind_ip', type: 'string', default: '127.0.0.1', parse: p.ipAddress,
    help: 'Address the media, RTCP and data ports bind to. Use 0.0.0.0 for senders on other hosts.',
  }),
  advertisedIpV4: field({
    key: 'advertised_ip_v4', type: 'string', parse: p.ipV4Address,
    default: (read) => defaultAdvertisedIpV4(read('portBindIp') as string),
    defaultText: 'port_bind_ip, or the first non-loopback IPv4 address when that is 0.0.0.0',
    help: 'The ip_v4 returned with every port: where external programs send their datagrams.',
  }),
  portMin: field({ key: 'port_min', type: 'integer', default: 50001, parse: p.integerIn(1, 65535), help: 'First UDP port handed out by POST /media, /media/rtcp and /data.' }),
  portMax: field({ key: 'port_max', type: 'integer', default: 59999, parse: p.integerIn(1, 65535), help: 'Last UDP port handed out.' }),
  embeddedSignaling: part({ key: 'embedded_signaling', type: 'boolean', default: true, parse: p.boolean, help: 'Run the embedded PeerJS-compatible signaling server.' }),
  signalingHost: part({
    key: 'signaling_host', type: 'string', default: SIGNALING.host, parse: p.ipAddress,
    help: 'Address the embedded signaling server listens on (browsers connect here).',
  }),
  signalingPort: part({ key: 'signaling_port', type: 'integer', default: SIGNALING.port, parse: p.integerIn(0, 65535), help: 'TCP port of the embedded signaling server.' }),
  signalingPath: part({
    key: 'signaling_path', type: 'string', default: SIGNALING.path, parse: p.mountPath,
    help: 'Mount path of the embedded signaling server; its WebSocket is at {path}peerjs.',
  }),
  signalingKey: part({ key: 'signaling_key', type: 'string', default: SIGNALING.key, parse: p.nonEmpty, help: 'API key clients of the embedded signaling server must present.' }),
  signalingSecret: part({
    key: 'signaling_secret', type: 'string', default: undefined, defaultText: 'none (authentication off)', parse: p.nonEmpty,
    help: 'Secret for peer authentication on the embedded signaling server: peers then need a credential.',
  }),
  signalingDiscovery: part({
    key: 'signaling_discovery', type: 'boolean', default: SIGNALING.allowDiscovery, parse: p.boolean,
    help: 'Whether GET {path}{key}/peers lists connected peer ids.',
  }),
  signalingMaxClients: part({
    key: 'signaling_max_clients', type: 'integer', default: SIGNALING.maxClients, parse: p.integerIn(1, 1_000_000),
    help: 'Clients the embedded signaling server holds at once; more are refused. Each may have up to 256 KiB in transit, so this bounds that memory too.',
  }),
  signalingSendBufferLimit: part({
    key: 'signaling_send_buffer_limit', type: 'integer', default: SIGNALING.sendBufferLimitBytes, parse: p.integerIn(64 * 1024, 1 << 30),
    help: 'Bytes the embedded signaling server may hold unsent for one client; a client that stops reading past it is disconnected.',
  }),
  signalingQueueLimitPerPeer: part({
    key: 'signaling_queue_limit_per_peer', type: 'integer', default: SIGNALING.maxQueuedBytesPerPeer, parse: p.integerIn(0, 1 << 30),
    help: 'Bytes of messages the embedded signaling server keeps for one absent peer (5 s at most); past it the sender gets EXPIRE at once.',
  }),
  signalingQueueLimit: part({
    key: 'signaling_queue_limit', type: 'integer', default: SIGNALING.maxQueuedBytes, parse: p.integerIn(0, 1 << 30),
    help: 'Bytes of messages the embedded signaling server keeps for all absent peers together.',
  }),
  signalingUrl: field({
    key: 'signaling_url', type: 'string', default: undefined, parse: p.websocketUrl,
    defaultText: 'the embedded server (ws://signaling_host:signaling_port{path})',
    help: 'The PeerJS server gateway peers connect to: ws:// or wss:// URL with the mount path, e.g. wss://peers.example.com/myapp/.',
  }),
  eventTimeoutMs: field({
    key: 'event_timeout_ms', type: 'integer', default: 30000, parse: p.integerIn(1000, 600000),
    help: 'How long a GET .../events long-poll waits for an event before answering 408.',
  }),
  redirectAllowedNetworks: field({
    key: 'redirect_allowed_networks', type: 'string', default: undefined, defaultText: 'none (any unicast address)', parse: p.networkList,
    help: 'Comma-separated CIDR networks (e.g. 127.0.0.0/8, 10.1.0.0/16) that redirect_params may name; when set, the only places received media and data may go. Unset, unspecified, broadcast, multicast and link-local addresses are refused.',
  }),
  maxPendingOffers: part({
    key: 'max_pending_offers', type: 'integer', default: LIMITS.maxPendingOffers, parse: p.integerIn(0, 100_000),
    help: 'Incoming offers (data and media) a gateway peer holds that are not yet answered or open; more are refused, counted and logged.',
  }),
  offerTimeoutMs: part({
    key: 'offer_timeout_ms', type: 'integer', default: LIMITS.offerTimeoutMs, parse: p.integerIn(1000, 3_600_000),
    help: 'A connection not open this long after its offer (an unanswered call, an offer nobody answered) closes with ERROR and CLOSE.',
  }),
  maxConnectionsPerPeer: part({
    key: 'max_connections_per_peer', type: 'integer', default: LIMITS.maxConnectionsPerPeer, parse: p.integerIn(1, 1_000_000),
    help: 'Data and media connections one gateway peer may have at once (closed ones do not count).',
  }),
  maxConnections: part({
    key: 'max_connections', type: 'integer', default: LIMITS.maxConnections, parse: p.integerIn(1, 1_000_000),
    help: 'Data and media connections the whole gateway may have at once.',
  }),
  maxMetadataBytes: part({
    key: 'max_metadata_bytes', type: 'integer', default: LIMITS.maxMetadataBytes, parse: p.integerIn(2, 1 << 20),
    help: 'Largest connection metadata, as JSON text, accepted from REST or in a remote offer.',
  }),
  maxMetadataDepth: part({
    key: 'max_metadata_depth', type: 'integer', default: LIMITS.maxMetadataDepth, parse: p.integerIn(1, 1000),
    help: 'Deepest nesting of objects and arrays accepted in connection metadata.',
  }),
  dataBufferLimitBytes: field({
    key: 'data_buffer_limit', type: 'integer', default: 1 << 20, parse: p.integerIn(16 * 1024, 8 * 1024 * 1024),
    help: 'Bytes a DataChannel may have queued; past it, datagrams for that connection are dropped and counted (backpressure).',
  }),
  mediaBindAddresses: field({
    key: 'media_bind_addresses', type: 'string', default: defaultMediaBindAddresses, parse: p.ipAddressList,
    defaultText: "every IPv4 address of this host's interfaces",
    help: 'Comma-separated local addresses MediaConnections gather ICE host candidates on (one UDP socket each, ephemeral port).',
  }),
  mediaSharedPort: field({
    key: 'media_shared_port', type: 'integer', default: undefined, defaultText: 'off (one ephemeral port per connection)', parse: p.integerIn(0, 65535),
    help: 'One UDP port that every MediaConnection shares on each media bind address (0: a free port picked at start): one port to open in a firewall, and a packet for many viewers leaves in one sendmmsg. Connections are told apart by ICE ufrag, STUN transaction and remote address, so two gateways that both share a port can hold only one connection between them.',
  }),
  mediaAdvertisedAddresses: field({
    key: 'media_advertised_addresses', type: 'string', default: [], defaultText: 'none',
    parse: (v, read) => p.advertisedAddressesFor(read('mediaBindAddresses') as string[])(v),
    help: 'Comma-separated public IP addresses, one per media_bind_addresses entry and in its order, that MediaConnections advertise for their host candidates when the host sits behind a 1:1 NAT (docs/NAT.md).',
  }),
  iceServers: part<IceServerUrl[]>({
    key: 'ice_servers', type: 'string', default: [], defaultText: 'none', parse: p.iceServerList,
    help: 'Comma-separated STUN and TURN servers for media and data: stun:host[:port], turn:host[:port][?transport=udp|tcp], turns:host[:port] (RFC 7064/7065; ports 3478, TLS 5349). Host names are resolved once at start (docs/NAT.md).',
  }),
  stunServers: part({
    key: 'stun_servers', type: 'string', default: [], defaultText: 'none', parse: p.hostPortList,
    help: 'Comma-separated STUN servers as ip:port or [ipv6]:port: the older spelling of stun: entries in ice_servers, merged into it.',
  }),
  turnUsername: part({
    key: 'turn_username', type: 'string', default: undefined, defaultText: 'none', parse: p.nonEmpty,
    help: 'Static TURN user name (long-term credentials) for the turn: and turns: servers; needs turn_credential.',
  }),
  turnCredential: part({
    key: 'turn_credential', type: 'string', default: undefined, defaultText: 'none', parse: p.secretString,
    help: 'Static TURN password that goes with turn_username. Prefer the environment or the config file to a flag (ps shows flags).',
  }),
  turnSecret: part({
    key: 'turn_secret', type: 'string', default: undefined, defaultText: 'none', parse: p.secretString,
    help: "Shared secret of the TURN REST API scheme (coturn's use-auth-secret / static-auth-secret): the gateway mints a user name and password per connection and never hands out the secret. Not with turn_username.",
  }),
  turnCredentialLifetime: part({
    key: 'turn_credential_lifetime', type: 'integer', default: 86400, parse: p.integerIn(60, 2_592_000),
    help: 'Seconds a credential minted from turn_secret stays valid (60 to 2592000).',
  }),
  turnTlsCaFile: part({
    key: 'turn_tls_ca_file', type: 'string', default: undefined, defaultText: 'none', parse: p.nonEmpty,
    help: "turns: servers (media): a PEM file of the CAs their certificate must chain to, instead of the system's trusted CAs. The name in the URL is checked either way.",
  }),
  turnTlsVerify: part({
    key: 'turn_tls_verify', type: 'boolean', default: true, parse: p.boolean,
    help: 'turns: servers (media): check the server certificate and its name. false accepts any certificate (a lab with a self-signed one): encrypted, but anyone on the path can pose as the server.',
  }),
  iceTransportPolicy: field<IceTransportPolicy>({
    key: 'ice_transport_policy', type: 'string', default: 'all', parse: p.oneOf(ICE_TRANSPORT_POLICIES, 'ice_transport_policy'),
    help: 'all: host, server-reflexive and relay candidates; relay: only relay candidates (through TURN), for media and data. relay needs a turn: or turns: server.',
  }),
  mediaNack: field({
    key: 'media_nack', type: 'boolean', default: true, parse: p.boolean,
    help: 'Repair video loss with NACK (RFC 4585): answer remote NACKs from a packet cache (RTX when negotiated) and send NACKs for gaps in received video.',
  }),
  mediaBandwidthFeedback: field({
    key: 'media_bandwidth_feedback', type: 'boolean', default: true, parse: p.boolean,
    help: 'Send transport-cc and REMB feedback for received video, so a browser raises its bitrate towards band_width instead of staying at its start rate.',
  }),
  demoPage: field({
    key: 'demo_page', type: 'boolean', default: false, parse: p.boolean,
    help: 'Serve the browser demo (stock peerjs: call or answer a gateway peer, show its video, send the camera) at http://api_host:api_port/demo/.',
  }),
} as const;

export type SettingTable = typeof SETTING_TABLE;
export type SettingName = keyof SettingTable;

/** The table as a list, in --help order. */
export const SETTINGS: readonly Setting[] = Object.values(SETTING_TABLE);
