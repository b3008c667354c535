import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { describe, it } from 'node:test';

import { GatewayError } from '../../src/errors/GatewayError.js';
import { PortAllocator } from '../../src/session/ports/PortAllocator.js';

const taken = (): Error => Object.assign(new Error('in use'), { code: 'EADDRINUSE' });

describe('PortAllocator', () => {
  it('hands out ports in order from the start of the range', async () => {
    const a = new PortAllocator(50001, 50010);
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await a.allocate((p) => p)).port);
    assert.deepEqual(got, [50001, 50002, 50003]);
  });

  it('does not reuse a released port at once, and wraps around at the end', async () => {
    const a = new PortAllocator(100, 102);
    const first = await a.allocate((p) => p);
    a.release(first.port);
    assert.equal((await a.allocate((p) => p)).port, 101);
    assert.equal((await a.allocate((p) => p)).port, 102);
    assert.equal((await a.allocate((p) => p)).port, 100);
  });

  it('never hands out a port twice while it is held, even to concurrent callers', async () => {
    const a = new PortAllocator(1000, 1019);
    const slowBind = (p: number) => new Promise<number>((r) => setTimeout(() => r(p), 5));
    const ports = (await Promise.all(Array.from({ length: 20 }, () => a.allocate(slowBind)))).map((r) => r.port);
    assert.equal(new Set(ports).size, 20);
    await assert.rejects(a.allocate(slowBind), (e: unknown) => e instanceof GatewayError && e.code === 'PORT_RANGE_EXHAUSTED');
  });

  it('skips ports that another process holds', async () => {
    const a = new PortAllocator(2000, 2003);
    const result = await a.allocate((p) => {
      if (p < 2002) throw taken();
      return `bound ${p}`;
    });
    assert.deepEqual(result, { port: 2002, bound: 'bound 2002' });
    assert.equal(a.allocated, 1);
  });

  it('skips a port really bound by a socket outside the allocator', async () => {
    const holder = createSocket('udp4');
    await new Promise<void>((r) => holder.bind(0, '127.0.0.1', () => r()));
    const held = holder.address().port;
    try {
      const a = new PortAllocator(held, held + 1);
      const bindReal = (p: number) =>
        new Promise<number>((resolve, reject) => {
          const s = createSocket('udp4');
          s.once('error', (e) => {
            s.close();
            reject(e);
          });
          s.bind(p, '127.0.0.1', () => {
            s.close();
            resolve(p);
          });
        });
      const { port } = await a.allocate(bindReal);
      assert.notEqual(port, held);
    } finally {
      holder.close();
    }
  });

  it('passes on failures other than "port taken"', async () => {
    const a = new PortAllocator(3000, 3005);
    await assert.rejects(
      a.allocate(() => {
        throw Object.assign(new Error('no such address'), { code: 'EADDRNOTAVAIL' });
      }),
      /no such address/,
    );
    assert.equal(a.allocated, 0);
  });

  it('reports exhaustion as PORT_RANGE_EXHAUSTED (503)', async () => {
    const a = new PortAllocator(4000, 4001);
    await assert.rejects(
      a.allocate(() => {
        throw taken();
      }),
      (e: unknown) => e instanceof GatewayError && e.status === 503 && /4000-4001/.test(e.message),
    );
  });

  it('rejects an invalid range', () => {
    assert.throws(() => new PortAllocator(10, 5), RangeError);
    assert.throws(() => new PortAllocator(0, 5), RangeError);
  });
});
