// A UDP program for the internet namespace that tells a NAT's filtering apart (RFC 4787 section 5):
// each datagram to its main socket is answered three times, from that socket, from another port
// of the same address and from the same port of another address. Behind a port-restricted NAT
// only the first reply comes through; a one-to-one NAT lets all three in.
//
//   udpFilterProbeChild.ts --ip A --other-ip B    prints {"port":P,"otherPort":Q} once bound; exits when stdin closes
import { createSocket, type Socket } from 'node:dgram';

function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  if (!v) throw new Error(`udpFilterProbe: --${name} is required`);
  return v;
}

const bind = (socket: Socket, port: number, address: string) => new Promise<void>((resolve) => socket.bind(port, address, resolve));

async function main(): Promise<void> {
  const ip = arg('ip');
  const otherIp = arg('other-ip');
  const main = createSocket('udp4');
  const otherPort = createSocket('udp4');
  const otherAddress = createSocket('udp4');
  await bind(main, 0, ip);
  await bind(otherPort, 0, ip);
  const port = main.address().port;
  await bind(otherAddress, port, otherIp);
  main.on('message', (msg, from) => {
    main.send(`from-same ${msg}`, from.port, from.address);
    otherPort.send(`from-other-port ${msg}`, from.port, from.address);
    otherAddress.send(`from-other-address ${msg}`, from.port, from.address);
  });
  console.log(JSON.stringify({ port, otherPort: otherPort.address().port }));
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
