import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createApp } from './api/createApp.js';
import { ConfigError } from './config/ConfigError.js';
import { demoSignalingFor } from './api/routes/demoRoutes.js';
import type { GatewayConfig } from './config/GatewayConfig.js';
import { createLogger, type Logger } from './log/createLogger.js';
import { NativeEngine } from './native/NativeEngine.js';
import { IceConfiguration } from './session/ice/IceConfiguration.js';
import { resolveIceServers } from './session/ice/resolveIceServers.js';
import { DataConnectionRegistry } from './session/data/DataConnectionRegistry.js';
import { ConnectionAdmission } from './session/limits/ConnectionAdmission.js';
import { DescriptorBudget } from './session/limits/DescriptorBudget.js';
import { transportDescriptors } from './session/limits/transportDescriptors.js';
import { MediaConnectionRegistry } from './session/media/MediaConnectionRegistry.js';
import { WishEndpointRegistry } from './session/wish/WishEndpointRegistry.js';

import { PeerRegistry } from './session/peers/PeerRegistry.js';
import { PortAllocator } from './session/ports/PortAllocator.js';
import { PortRegistry } from './session/ports/PortRegistry.js';
import { RedirectPolicy } from './session/redirect/RedirectPolicy.js';
import { DEFAULT_SIGNALING } from './signaling/server/SignalingConfig.js';
import { SignalingServer } from './signaling/server/SignalingServer.js';

/** WHIP and WHEP endpoints at most: their own bound; their live sessions count toward max_connections. */
const WISH_MAX_ENDPOINTS = 64;

export interface GatewayOptions {
  readonly logger?: Logger;
}

/**
 * One gateway process: the native I/O engine, the port and peer registries, the embedded
 * signaling server and the REST API. `start()` resolves once everything listens; `stop()`
 * closes every peer and port, stops the servers and joins the I/O thread.
 */
export class Gateway {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly config: GatewayConfig,
    readonly logger: Logger,
    readonly engine: NativeEngine,
    readonly ports: PortRegistry,
    readonly peers: PeerRegistry,
    readonly dataConnections: DataConnectionRegistry,
    readonly mediaConnections: MediaConnectionRegistry,
    readonly wishEndpoints: WishEndpointRegistry,
    /** The embedded signaling server, when it runs. */
    readonly signaling: SignalingServer | undefined,
    private readonly server: Server,
  ) {}

  static async start(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
    const logger = options.logger ?? createLogger(config.logLevel);
    // Before anything binds: a name that does not resolve stops the start (ConfigError).
    const ice = new IceConfiguration({
      servers: await resolveIceServers(config.iceServers),
      turnAuth: config.turnAuth,
      policy: config.iceTransportPolicy,
      advertisedAddresses: config.mediaAdvertisedAddresses,
      turnTls: config.turnTls,
    });
    if (config.iceServers.length > 0) {
      const turn = config.turnAuth?.kind === 'secret' ? 'minted from turn_secret' : config.turnAuth ? 'static' : 'none';
      logger.info({ iceServers: config.iceServers.map((u) => u.text), iceTransportPolicy: config.iceTransportPolicy, turnCredentials: turn }, 'ICE servers');
    }
    const allocator = new PortAllocator(config.portMin, config.portMax);
    const engineLog = logger.child({ subsystem: 'engine' });
    const engine = new NativeEngine({
      onUnhandled: (event) => {
        if (event instanceof Error) engineLog.error({ err: event }, 'engine event listener failed');
        else engineLog.debug({ event }, 'engine event for a closed handle');
      },
    });
    if (config.mediaSharedPort !== undefined) openSharedSockets(engine, config, logger);
    const ports = new PortRegistry({
      engine,
      allocator,
      bindIp: config.portBindIp,
      logger,
    });
    const descriptors = new DescriptorBudget();
    logger.info({ limit: descriptors.limit, reserve: descriptors.reserve }, 'open file descriptor limit');
    const signaling = config.signaling
      ? new SignalingServer({ ...DEFAULT_SIGNALING, ...config.signaling }, logger.child({ subsystem: 'signaling' }), {
          canAdmit: () => descriptors.take(1),
          // Gateway peers on this server: what a departed remote offered, or was offered, and
          // never opened is freed at once (open connections need no signaling and stay).
          onClientGone: (id) => {
            if (config.signalingUrl !== undefined) return;
            dataConnections.remoteGone(id);
            mediaConnections.remoteGone(id);
          },
        })
      : undefined;
    const signalingUrl = (): string => {
      if (config.signalingUrl) return config.signalingUrl;
      const { address, port } = signaling!.address;
      const host = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '[::1]' : address.includes(':') ? `[${address}]` : address;
      return `ws://${host}:${port}${signaling!.config.path}`;
    };
    const admission = new ConnectionAdmission(config.limits, descriptors, logger.child({ subsystem: 'limits' }));
    // One native transport per connection, media or data: the same sockets, so the same count.
    const descriptorsPerConnection = transportDescriptors({
      bindAddresses: config.mediaBindAddresses,
      sharedPort: config.mediaSharedPort !== undefined,
      turnServers: ice.mediaTurnServers,
    });
    const transport = { bindAddresses: config.mediaBindAddresses, ice };
    const dataConnections = new DataConnectionRegistry({
      engine,
      ports,
      transport,
      descriptorsPerConnection,
      bufferLimitBytes: config.dataBufferLimitBytes,
      admission,
      logger: logger.child({ subsystem: 'data' }),
    });
    const mediaConnections = new MediaConnectionRegistry({
      engine,
      ports,
      transport: {
        ...transport,
        nack: config.mediaNack,
        bandwidthFeedback: config.mediaBandwidthFeedback,
      },
      advertisedIpV4: config.advertisedIpV4,
      admission,
      descriptorsPerConnection,
      logger: logger.child({ subsystem: 'media' }),
    });
    const wishEndpoints = new WishEndpointRegistry({
      engine,
      transport: { ...transport, nack: config.mediaNack, bandwidthFeedback: config.mediaBandwidthFeedback },
      maxEndpoints: WISH_MAX_ENDPOINTS,
      admission,
      descriptorsPerSession: descriptorsPerConnection,
      connectTimeoutMs: config.limits.offerTimeoutMs,
      logger: logger.child({ subsystem: 'wish' }),
    });
    const peers = new PeerRegistry({
      signalingUrl,
      turnConfigured: ice.hasTurn,
      logger,
      onSignal: (peer, message) => {
        // A remote controls these messages: whatever one does wrong must not reach the event loop.
        try {
          if (!dataConnections.handleSignal(peer, message)) mediaConnections.handleSignal(peer, message);
        } catch (error) {
          logger.warn({ peer: peer.id, type: message.type, err: error }, 'signaling message from a remote peer failed');
        }
      },
      onPeerClosed: (peer) => {
        dataConnections.closePeer(peer);
        mediaConnections.closePeer(peer);
      },
    });
    const app = createApp({
      ports,
      peers,
      dataConnections,
      mediaConnections,
      wishEndpoints,
      advertisedIpV4: config.advertisedIpV4,
      eventTimeoutMs: config.eventTimeoutMs,
      ice,
      protection: { token: config.apiToken, allowedHosts: config.apiAllowedHosts, allowedOrigins: config.apiAllowedOrigins },
      redirects: new RedirectPolicy(config.redirectAllowedNetworks),
      logger: logger.child({ subsystem: 'api' }),
      demo: config.demoPage
        ? () =>
            demoSignalingFor(signalingUrl(), {
              key: config.signaling?.key ?? 'peerjs',
              anyHost: !config.signalingUrl && ['0.0.0.0', '::'].includes(signaling!.address.address),
              iceServers: ice.forDemoPage(),
            })
        : undefined,
    });
    const server = createServer(app);
    // A request has 30 s to arrive whole (long-polls wait in the answer, not here); a connection
    // that would eat into the descriptor reserve is closed at once.
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    server.on('connection', (socket) => {
      if (!descriptors.take(1)) socket.destroy();
    });
    try {
      await signaling?.start();
      server.listen(config.apiPort, config.apiHost);
      await once(server, 'listening');
    } catch (error) {
      await signaling?.stop();
      engine.close();
      throw error;
    }
    const gateway = new Gateway(config, logger, engine, ports, peers, dataConnections, mediaConnections, wishEndpoints, signaling, server);
    const { address, port } = gateway.apiAddress;
    logger.info({ api: `http://${address.includes(':') ? `[${address}]` : address}:${port}` }, 'REST API listening');
    return gateway;
  }

  /** Where the REST API actually listens (the port is real even when 0 was configured). */
  get apiAddress(): { address: string; port: number } {
    const info = this.server.address() as AddressInfo;
    return { address: info.address, port: info.port };
  }

  /** Stops accepting requests, closes every port and joins the native thread. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Long-polls and idle keep-alive sockets must not hold the shutdown up.
    this.server.closeAllConnections();
    await closed;
    this.dataConnections.closeAll();
    this.mediaConnections.closeAll();
    this.wishEndpoints.closeAll();
    this.peers.closeAll();
    await this.signaling?.stop();
    await this.ports.closeAll();
    this.engine.close();
    this.logger.info('gateway stopped');
  }
}

/** media_shared_port: one socket per media bind address, shared by every MediaConnection. */
function openSharedSockets(engine: NativeEngine, config: GatewayConfig, logger: Logger): void {
  const port = config.mediaSharedPort!;
  for (const ip of config.mediaBindAddresses) {
    try {
      const bound = engine.openSharedSocket(ip, port);
      logger.info({ ip: bound.ip, port: bound.port }, 'media connections share one UDP port');
    } catch (error) {
      engine.close();
      throw new ConfigError(`media_shared_port ${port} on ${ip}: ${(error as Error).message}`, { cause: error });
    }
  }
}
