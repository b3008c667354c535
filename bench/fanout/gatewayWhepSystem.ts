/**
 * gateway-whep in the fan-out benchmark: our gateway (its own process, as `gateway`) playing the
 * input to WHEP players (draft-ietf-wish-whep). One WHEP endpoint is made on the two media ports
 * the replay feeds; each viewer is a receive-only call placed by gateway B's peer, which
 * whepRelay.ts turns into a WHEP POST to that endpoint (B offers, A answers: the other systems'
 * calls go the other way). Its setup time is from B's POST /media/connections to B's STREAM (B's
 * media transport up), as a gateway viewer's is to A's STREAM. Every session is DELETEd at stop.
 *
 * The quality connections are WHEP sessions too, of a second endpoint on the same two ports (one
 * endpoint holds at most 1000 players, which the viewers may take): each decoder is a libwebrtc
 * WHEP player of its own (POST straight to the endpoint, no relay), each latency probe places a
 * receive-only call through a relay of its own as B's peer does.
 */
import { MediaGateway } from '../lib/mediaGateway.js';
import { AUDIO_PT, VIDEO_PT } from '../lib/rtpStream.js';
import { rest } from '../../test/support/rest.js';
import { atMostConcurrently } from './atMostConcurrently.js';
import type { LatencyProbes } from './quality/latencyProbes.js';
import type { DecodingViewers } from './quality/wrtcViewers.js';
import { stopGateway } from './stopping.js';
import type { SystemUnderTest } from './systemsUnderTest.js';
import type { ViewerGateway } from './viewerGateway.js';
import { WhepRelay } from './whepRelay.js';

/** The PeerJS ids B's peer, and the latency probes, call for a WHEP session. */
const RELAY_ID = 'fanout-gateway-whep';
const QUALITY_RELAY_ID = 'fanout-gateway-whep-quality';
/** Players of one endpoint at most (the gateway's WHEP_MAX_SESSIONS, also max_sessions' default). */
const MAX_PLAYERS = 1000;

interface WhepEndpoint {
  endpoint_id: string;
  url: string;
  token: string;
}

/** The run's quality probes, which callExtra makes players of the second endpoint. */
export interface QualityPlayers {
  decoders?: DecodingViewers | undefined;
  probes?: LatencyProbes | undefined;
}

export class GatewayWhepSystem implements SystemUnderTest {
  private constructor(
    private readonly gateway: MediaGateway,
    private readonly b: ViewerGateway,
    /** Relays to the viewers' endpoint and to the quality players' one. */
    private readonly relay: WhepRelay,
    private readonly qualityRelay: WhepRelay,
    private readonly qualityEndpoint: WhepEndpoint,
    private readonly endpointIds: string[],
    private readonly quality: QualityPlayers,
    readonly videoPort: number,
    readonly audioPort: number,
  ) {}

  static async start(b: ViewerGateway, portMin: number, quality: QualityPlayers): Promise<GatewayWhepSystem> {
    // As `gateway` is started (on B's signaling server), though no peer of A signals here.
    const gateway = await MediaGateway.start(portMin, b.signalingUrl);
    try {
      const video = await rest(gateway.api, 'POST', '/media', { is_video: true });
      const audio = await rest(gateway.api, 'POST', '/media', { is_video: false });
      const endpoint = async (): Promise<WhepEndpoint> =>
        rest(gateway.api, 'POST', '/whep/endpoints', {
          video_params: { codec: 'VP8', media_id: video.media_id, payload_type: VIDEO_PT },
          audio_params: { codec: 'OPUS', media_id: audio.media_id, payload_type: AUDIO_PT },
          max_sessions: MAX_PLAYERS,
        });
      const [viewers, players] = [await endpoint(), await endpoint()];
      const relay = await WhepRelay.open(b.signalingUrl, RELAY_ID, viewers.url, viewers.token);
      const qualityRelay = await WhepRelay.open(b.signalingUrl, QUALITY_RELAY_ID, players.url, players.token).catch((e: Error) => {
        relay.close();
        throw e;
      });
      return new GatewayWhepSystem(gateway, b, relay, qualityRelay, players, [viewers.endpoint_id, players.endpoint_id], quality, video.port, audio.port);
    } catch (e) {
      await stopGateway(gateway);
      throw e;
    }
  }

  get measurePid(): number {
    return this.gateway.pid;
  }

  async connect(n: number, concurrency: number): Promise<string[]> {
    if (n > MAX_PLAYERS) throw new Error(`one WHEP endpoint plays to at most ${MAX_PLAYERS} players`);
    const errors = await atMostConcurrently(n, concurrency, () => this.b.callReceiveOnly(this.relay.id));
    // A viewer whose offer the endpoint refused waits for an answer in vain: say why here.
    for (const e of this.relay.errors) console.error(`gateway-whep: ${e}`);
    return errors;
  }

  async callExtra(targets: string[]): Promise<string[]> {
    const errors: string[] = [];
    const { decoders, probes } = this.quality;
    for (const target of targets) {
      try {
        if (decoders?.ids.includes(target)) await decoders.playWhep(target, this.qualityEndpoint.url, this.qualityEndpoint.token);
        else if (probes?.ids.includes(target)) await probes.callReceiveOnly(target, this.qualityRelay.id);
        else throw new Error('neither a decoder nor a latency probe: gateway-whep cannot call it');
      } catch (e) {
        errors.push(`${target}: ${(e as Error).message}`);
      }
    }
    return errors;
  }

  counters(): Promise<{ sent: number; errors: number }> {
    return this.gateway.sendCounters();
  }

  /** DELETEs every WHEP session (and says if one outlived it), then stops the gateway. */
  async stop(): Promise<void> {
    try {
      await this.quality.decoders?.endWhep();
      const sessions = this.relay.liveSessions + this.qualityRelay.liveSessions;
      const failed = [...(await this.relay.deleteSessions()), ...(await this.qualityRelay.deleteSessions())];
      for (const e of failed.slice(0, 5)) console.error(`gateway-whep: ${e}`);
      let live = 0;
      for (const id of this.endpointIds) live += ((await rest(this.gateway.api, 'GET', `/whep/endpoints/${id}`)).sessions as { state: string }[]).filter((s) => s.state !== 'closed').length;
      const c = this.relay.counts;
      console.log(
        `gateway-whep: ${sessions - failed.length} of ${sessions} relayed sessions deleted, the decoders' too (${live} still live at A); ` +
          `${c.offersWithCandidates} viewers' offers carried B's candidates, ${c.trickledIgnored} trickled CANDIDATEs ignored, ${c.failedOffers} offers refused`,
      );
    } catch (e) {
      console.error(`gateway-whep: deleting the sessions: ${(e as Error).message}`);
    } finally {
      this.relay.close();
      this.qualityRelay.close();
      await stopGateway(this.gateway);
    }
  }
}
