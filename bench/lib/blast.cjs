// Child process: sends `count` datagrams of `size` bytes to 127.0.0.1:`port` as fast as the
// socket takes them (in bursts, so the receiver is never starved), then exits.
const dgram = require('node:dgram');
const [port, count, size] = process.argv.slice(2).map(Number);
const socket = dgram.createSocket('udp4');
const payload = Buffer.alloc(size, 0x42);
let sent = 0;
function burst() {
  let inFlight = 0;
  for (let i = 0; i < 64 && sent < count; i++, sent++) {
    inFlight++;
    socket.send(payload, port, '127.0.0.1', () => {
      if (--inFlight === 0) (sent < count ? setImmediate(burst) : socket.close());
    });
  }
}
burst();
