import { GatewayError } from '../../errors/GatewayError.js';
import { nativeErrorCode as errorCode } from '../../native/nativeError.js';

/** Errors that mean "this port is taken, try the next one". */
const PORT_TAKEN = new Set(['EADDRINUSE', 'EACCES']);

/**
 * Hands out UDP ports from one range shared by media, RTCP and data ports, in order from the
 * start (as the original gateway did), wrapping around, so a port just released is not reused
 * at once. A port is never handed out twice while it is bound.
 */
export class PortAllocator {
  private readonly inUse = new Set<number>();
  private cursor: number;

  constructor(
    readonly min: number,
    readonly max: number,
  ) {
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 65535 || min > max) {
      throw new RangeError(`invalid port range ${min}-${max}`);
    }
    this.cursor = min;
  }

  get size(): number {
    return this.max - this.min + 1;
  }

  get allocated(): number {
    return this.inUse.size;
  }

  /**
   * Calls `bind(port)` on free ports until one succeeds. A port another process holds
   * (EADDRINUSE) is skipped; any other failure is thrown as is.
   */
  async allocate<T>(bind: (port: number) => T | Promise<T>): Promise<{ port: number; bound: T }> {
    for (let tried = 0; tried < this.size; tried++) {
      const port = this.cursor;
      this.cursor = port === this.max ? this.min : port + 1;
      if (this.inUse.has(port)) continue;
      // Reserved before the await, so concurrent allocations never race for the same port.
      this.inUse.add(port);
      try {
        return { port, bound: await bind(port) };
      } catch (error) {
        this.inUse.delete(port);
        if (!PORT_TAKEN.has(errorCode(error) ?? '')) throw error;
      }
    }
    throw new GatewayError('PORT_RANGE_EXHAUSTED', [
      { field: 'port', message: `no free UDP port in ${this.min}-${this.max}` },
    ]);
  }

  release(port: number): void {
    this.inUse.delete(port);
  }
}
