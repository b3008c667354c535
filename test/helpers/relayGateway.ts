import type { Gateway } from '../../src/Gateway.js';
import { parseIceServerUrl, type IceServerUrl } from '../../src/session/ice/IceServerUrl.js';
import { Coturn } from './coturn.js';
import { startTestGateway } from './testGateway.js';

/** A test gateway whose peers must relay through a coturn on loopback. */
export interface RelayGateway {
  coturn: Coturn;
  gateway: Gateway;
  base: string;
  /** The gateway's one ICE server: coturn's UDP listener. */
  turnUrl: string;
  stop(): Promise<void>;
}

/**
 * coturn with the TURN REST API `secret` (use-auth-secret) and a gateway configured with
 * turn_secret = `secret` and ice_transport_policy = relay: every peer gets credentials minted
 * for its own id, and its connections gather relay candidates only.
 */
export async function startRelayGateway(secret: string): Promise<RelayGateway> {
  const coturn = await Coturn.start({ authSecret: secret });
  const turnUrl = coturn.url('udp');
  try {
    const { gateway, base } = await startTestGateway({
      logLevel: 'warn',
      iceServers: [parseIceServerUrl(turnUrl) as IceServerUrl],
      turnAuth: { kind: 'secret', secret, lifetimeSeconds: 600 },
      iceTransportPolicy: 'relay',
    });
    const stop = async (): Promise<void> => {
      await gateway.stop();
      await coturn.stop();
    };
    return { coturn, gateway, base, turnUrl, stop };
  } catch (e) {
    await coturn.stop();
    throw e;
  }
}

/** What coturn logs when it allocated for a minted username `<expiry>:<peerId>`. */
export const allocatedFor = (peerId: string): RegExp => new RegExp(`user <\\d+:${peerId}>: incoming packet ALLOCATE processed, success`);
