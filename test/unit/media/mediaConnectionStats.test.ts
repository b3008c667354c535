import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { RawMediaStats } from '../../../src/native/addon.js';
import { mediaConnectionStats } from '../../../src/session/media/mediaConnectionStats.js';

const raw = (lost: number, remoteLost: number): RawMediaStats => ({
  send: [
    {
      media: 'video', ssrc: 1, packets: 100, bytes: 100000, bitrateBps: 800000, nacksReceived: 0, nackedPackets: 0,
      retransmittedPackets: 0, retransmissionMisses: 0, pliReceived: 0, firReceived: 0,
      remoteLost, remoteFractionLost: 0, remoteJitter: 900, rttMs: 20,
    },
  ],
  receive: [{ media: 'audio', ssrc: 2, packets: 50, bytes: 5000, bitrateBps: 32000, lost, jitterMs: 1, retransmissionsReceived: 0 }],
  receiveFeedback: { nacksSent: 0, nackedPackets: 0, recovered: 0, abandoned: 0, pliSent: 0, transportFeedbackSent: 0, rembSent: 0, reportsSent: 3 },
  rttMs: 20,
});

describe('mediaConnectionStats', () => {
  it('shows lost as 0 when duplicates made RFC 3550 cumulative loss negative, received and reported alike', () => {
    const stats = mediaConnectionStats('mc-x', raw(-3, -1), () => 90000);
    assert.deepEqual(stats.streams.map((s) => [s.direction, s.lost]), [['send', 0], ['receive', 0]]);
  });

  it('passes real losses through', () => {
    const stats = mediaConnectionStats('mc-x', raw(7, 4), () => 90000);
    assert.deepEqual(stats.streams.map((s) => [s.direction, s.lost]), [['send', 4], ['receive', 7]]);
  });
});
