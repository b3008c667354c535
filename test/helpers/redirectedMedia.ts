import { fileSize } from './media.js';
import { waitFor } from './proc.js';
import { call } from './testGateway.js';

/** Bytes of one raw I420 frame. */
export const i420Bytes = (width: number, height: number): number => (width * height * 3) / 2;

/**
 * Waits until a GStreamer receiver has written `frames` decoded frames of `frameBytes` to `file`.
 * While not even one has come, asks the remote's video sender for a keyframe every 500 ms
 * (POST /media/connections/{id}/pli), as a recorder joining a running stream does; returns how
 * many PLIs that took.
 */
export async function waitForDecodedFrames(o: {
  base: string;
  connectionId: string;
  file: string;
  frameBytes: number;
  frames: number;
  timeoutMs: number;
  what: string;
}): Promise<number> {
  let plis = 0;
  let lastPli = Date.now();
  const enough = async (): Promise<boolean> => {
    const size = fileSize(o.file);
    if (size >= o.frames * o.frameBytes) return true;
    if (size < o.frameBytes && Date.now() - lastPli >= 500) {
      lastPli = Date.now();
      const res = await call(o.base, 'POST', `/media/connections/${o.connectionId}/pli`, { ip_v4: '127.0.0.1', port: 9 });
      if (res.status === 201) plis++;
    }
    await new Promise((r) => setTimeout(r, 50));
    return false;
  };
  try {
    await waitFor(enough, o.timeoutMs, `${o.frames} decoded frames (${o.what})`);
  } catch (error) {
    throw new Error(`${(error as Error).message}: ${fileSize(o.file)} bytes of ${o.frameBytes}-byte frames after ${plis} PLIs`);
  }
  return plis;
}
