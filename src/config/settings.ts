import { LOG_LEVELS } from './GatewayConfig.js';

/** How one setting is spelled in each source. The single list that --help and the docs follow. */
export interface SettingSpec {
  /** Key in the TOML config file (top level or in a [general] table). */
  readonly key: string;
  /** Command-line flag, without the leading dashes. */
  readonly flag: string;
  /** Environment variable. */
  readonly env: string;
  readonly type: 'string' | 'integer' | 'boolean';
  readonly defaultText: string;
  readonly description: string;
}

function setting(key: string, type: SettingSpec['type'], defaultText: string, description: string): SettingSpec {
  return { key, flag: key.replaceAll('_', '-'), env: `WEBRTC_GATEWAY_${key.toUpperCase()}`, type, defaultText, description };
}

export const SETTINGS: readonly SettingSpec[] = [
  setting(
    'api_host',
    'string',
    '127.0.0.1',
    'Address the REST API listens on. Before exposing it (0.0.0.0), set api_token (docs/SECURITY.md).',
  ),
  setting('api_port', 'integer', '8000', 'TCP port of the REST API.'),
  setting(
    'api_token',
    'string',
    'none (no authentication)',
    'When set, every REST call must carry "Authorization: Bearer <token>" (401 otherwise). Set it for any api_host other than loopback.',
  ),
  setting(
    'api_allowed_hosts',
    'string',
    'none (IP literals and localhost only)',
    'Comma-separated host names the REST API answers to besides IP literals and localhost; other Host headers get 421 (a DNS rebinding defence).',
  ),
  setting(
    'api_allowed_origins',
    'string',
    "none (only the API's own origin)",
    'Comma-separated web origins (e.g. https://app.example.com) whose pages may call the REST API; requests from other origins get 403.',
  ),
  setting('log_level', 'string', 'info', `Log verbosity: ${LOG_LEVELS.join(', ')}. Logs are JSON lines on stdout.`),
  setting('port_bind_ip', 'string', '127.0.0.1', 'Address the media, RTCP and data ports bind to. Use 0.0.0.0 for senders on other hosts.'),
  setting(
    'advertised_ip_v4',
    'string',
    'port_bind_ip, or the first non-loopback IPv4 address when that is 0.0.0.0',
    'The ip_v4 returned with every port: where external programs send their datagrams.',
  ),
  setting('port_min', 'integer', '50001', 'First UDP port handed out by POST /media, /media/rtcp and /data.'),
  setting('port_max', 'integer', '59999', 'Last UDP port handed out.'),
  setting('embedded_signaling', 'boolean', 'true', 'Run the embedded PeerJS-compatible signaling server.'),
  setting('signaling_host', 'string', '127.0.0.1', 'Address the embedded signaling server listens on (browsers connect here).'),
  setting('signaling_port', 'integer', '9000', 'TCP port of the embedded signaling server.'),
  setting('signaling_path', 'string', '/', 'Mount path of the embedded signaling server; its WebSocket is at {path}peerjs.'),
  setting('signaling_key', 'string', 'peerjs', 'API key clients of the embedded signaling server must present.'),
  setting(
    'signaling_secret',
    'string',
    'none (authentication off)',
    'Secret for peer authentication on the embedded signaling server: peers then need a credential.',
  ),
  setting('signaling_discovery', 'boolean', 'false', 'Whether GET {path}{key}/peers lists connected peer ids.'),
  setting('signaling_max_clients', 'integer', '2000', 'Clients the embedded signaling server holds at once; more are refused. Each may have up to 256 KiB in transit, so this bounds that memory too.'),
  setting(
    'signaling_send_buffer_limit',
    'integer',
    '4194304',
    'Bytes the embedded signaling server may hold unsent for one client; a client that stops reading past it is disconnected.',
  ),
  setting(
    'signaling_queue_limit_per_peer',
    'integer',
    '1048576',
    'Bytes of messages the embedded signaling server keeps for one absent peer (5 s at most); past it the sender gets EXPIRE at once.',
  ),
  setting('signaling_queue_limit', 'integer', '33554432', 'Bytes of messages the embedded signaling server keeps for all absent peers together.'),
  setting(
    'signaling_url',
    'string',
    'the embedded server (ws://signaling_host:signaling_port{path})',
    'The PeerJS server gateway peers connect to: ws:// or wss:// URL with the mount path, e.g. wss://peers.example.com/myapp/.',
  ),
  setting('event_timeout_ms', 'integer', '30000', 'How long a GET .../events long-poll waits for an event before answering 408.'),
  setting(
    'redirect_allowed_networks',
    'string',
    'none (any unicast address)',
    'Comma-separated CIDR networks (e.g. 127.0.0.0/8, 10.1.0.0/16) that redirect_params may name; when set, the only places received media and data may go. Unset, unspecified, broadcast, multicast and link-local addresses are refused.',
  ),
  setting(
    'max_pending_offers',
    'integer',
    '32',
    'Incoming offers (data and media) a gateway peer holds that are not yet answered or open; more are refused, counted and logged.',
  ),
  setting(
    'offer_timeout_ms',
    'integer',
    '60000',
    'A connection not open this long after its offer (an unanswered call, an offer nobody answered) closes with ERROR and CLOSE.',
  ),
  setting('max_connections_per_peer', 'integer', '1000', 'Data and media connections one gateway peer may have at once (closed ones do not count).'),
  setting('max_connections', 'integer', '2000', 'Data and media connections the whole gateway may have at once.'),
  setting('max_metadata_bytes', 'integer', '16384', 'Largest connection metadata, as JSON text, accepted from REST or in a remote offer.'),
  setting('max_metadata_depth', 'integer', '32', 'Deepest nesting of objects and arrays accepted in connection metadata.'),
  setting(
    'data_buffer_limit',
    'integer',
    '1048576',
    'Bytes a DataChannel may have queued; past it, datagrams for that connection are dropped and counted (backpressure).',
  ),
  setting(
    'media_bind_addresses',
    'string',
    "every IPv4 address of this host's interfaces",
    'Comma-separated local addresses MediaConnections gather ICE host candidates on (one UDP socket each, ephemeral port).',
  ),
  setting(
    'media_shared_port',
    'integer',
    'off (one ephemeral port per connection)',
    'One UDP port that every MediaConnection shares on each media bind address (0: a free port picked at start): one port to open in a firewall, and a packet for many viewers leaves in one sendmmsg. Connections are told apart by ICE ufrag, STUN transaction and remote address, so two gateways that both share a port can hold only one connection between them.',
  ),
  setting(
    'media_advertised_addresses',
    'string',
    'none',
    'Comma-separated public IP addresses, one per media_bind_addresses entry and in its order, that MediaConnections advertise for their host candidates when the host sits behind a 1:1 NAT (docs/NAT.md).',
  ),
  setting(
    'ice_servers',
    'string',
    'none',
    'Comma-separated STUN and TURN servers for media and data: stun:host[:port], turn:host[:port][?transport=udp|tcp], turns:host[:port] (RFC 7064/7065; ports 3478, TLS 5349). Host names are resolved once at start (docs/NAT.md).',
  ),
  setting(
    'stun_servers',
    'string',
    'none',
    'Comma-separated STUN servers as ip:port or [ipv6]:port: the older spelling of stun: entries in ice_servers, merged into it.',
  ),
  setting('turn_username', 'string', 'none', 'Static TURN user name (long-term credentials) for the turn: and turns: servers; needs turn_credential.'),
  setting('turn_credential', 'string', 'none', 'Static TURN password that goes with turn_username. Prefer the environment or the config file to a flag (ps shows flags).'),
  setting(
    'turn_secret',
    'string',
    'none',
    "Shared secret of the TURN REST API scheme (coturn's use-auth-secret / static-auth-secret): the gateway mints a user name and password per connection and never hands out the secret. Not with turn_username.",
  ),
  setting('turn_credential_lifetime', 'integer', '86400', 'Seconds a credential minted from turn_secret stays valid (60 to 2592000).'),
  setting(
    'turn_tls_ca_file',
    'string',
    'none',
    "turns: servers (media): a PEM file of the CAs their certificate must chain to, instead of the system's trusted CAs. The name in the URL is checked either way.",
  ),
  setting(
    'turn_tls_verify',
    'boolean',
    'true',
    'turns: servers (media): check the server certificate and its name. false accepts any certificate (a lab with a self-signed one): encrypted, but anyone on the path can pose as the server.',
  ),
  setting(
    'ice_transport_policy',
    'string',
    'all',
    'all: host, server-reflexive and relay candidates; relay: only relay candidates (through TURN), for media and data. relay needs a turn: or turns: server.',
  ),
  setting(
    'media_nack',
    'boolean',
    'true',
    'Repair video loss with NACK (RFC 4585): answer remote NACKs from a packet cache (RTX when negotiated) and send NACKs for gaps in received video.',
  ),
  setting(
    'media_bandwidth_feedback',
    'boolean',
    'true',
    'Send transport-cc and REMB feedback for received video, so a browser raises its bitrate towards band_width instead of staying at its start rate.',
  ),
  setting(
    'demo_page',
    'boolean',
    'false',
    'Serve the browser demo (stock peerjs: call or answer a gateway peer, show its video, send the camera) at http://api_host:api_port/demo/.',
  ),
];
