/**
 * A minimal Janus 1.1 configuration for the fan-out benchmark, written into a fresh folder: the
 * core (janus.jcfg), the HTTP transport on 127.0.0.1 (Janus API and admin API) and the streaming
 * plugin with no static mountpoints. Only those two modules load: their folders are made of one
 * symlink each into the installed package, so nothing else is there to load.
 *
 * Settings that differ from the packaged defaults, and why:
 * - nat.ice_enforce_list = the one interface ICE may use (see iceInterface.ts): Janus gathers on
 *   every interface otherwise, and it never gathers on loopback ones.
 * - HTTP and admin API bound to 127.0.0.1 on free ports; the admin API is on (off in the package)
 *   because its handle_info is where Janus keeps per-viewer packet counters.
 * - admin_secret: a random one per run instead of the packaged "janusoverlord".
 * - debug_level 4 (the default) but logged to a file of the run instead of a terminal.
 * - HTTP json = "plain" instead of "indented": the same answers without the whitespace.
 * - general.event_loops only when the benchmark asks for it (Janus's own default is a thread
 *   and event loop per handle, i.e. per viewer; the setting shares a few among all of them).
 * Everything else (half-trickle, IPv6 off, mDNS resolution on, NACK queue, session timeout 60 s,
 * no media.rtp_port_range so the kernel picks each viewer's port, no event handlers) is the
 * package default.
 */
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where Debian (and a source build with the default prefix) put Janus's modules. */
const LIB_DIRS = ['/usr/lib/x86_64-linux-gnu/janus', '/usr/lib/aarch64-linux-gnu/janus', '/usr/lib/janus', '/opt/janus/lib/janus'];

export interface JanusConfigOptions {
  httpPort: number;
  adminPort: number;
  adminSecret: string;
  /** Interface name for nat.ice_enforce_list. */
  iceInterface: string;
  /** general.event_loops; 0 keeps Janus's default (one loop per handle). */
  eventLoops: number;
}

export function janusLibDir(): string {
  const found = LIB_DIRS.find((d) => existsSync(join(d, 'plugins', 'libjanus_streaming.so')));
  if (!found) throw new Error(`Janus's streaming plugin is not installed (looked in ${LIB_DIRS.join(', ')}): apt-get install janus`);
  return found;
}

/** Writes the configuration into `dir`; returns the path of janus.jcfg. */
export function writeJanusConfig(dir: string, o: JanusConfigOptions): string {
  const lib = janusLibDir();
  const folder = (name: string, modules: string[]): string => {
    const path = join(dir, name);
    mkdirSync(path);
    for (const m of modules) symlinkSync(join(lib, name, m), join(path, m));
    return path;
  };
  const plugins = folder('plugins', ['libjanus_streaming.so']);
  const transports = folder('transports', ['libjanus_http.so']);
  const events = folder('events', []);
  const loggers = folder('loggers', []);

  writeFileSync(
    join(dir, 'janus.jcfg'),
    `general: {
  configs_folder = "${dir}"
  plugins_folder = "${plugins}"
  transports_folder = "${transports}"
  events_folder = "${events}"
  loggers_folder = "${loggers}"
  debug_level = 4
  admin_secret = "${o.adminSecret}"
${o.eventLoops > 0 ? `  event_loops = ${o.eventLoops}\n` : ''}}
media: {
}
nat: {
  ice_enforce_list = "${o.iceInterface}"
}
`,
  );
  writeFileSync(
    join(dir, 'janus.transport.http.jcfg'),
    `general: {
  json = "plain"
  base_path = "/janus"
  http = true
  ip = "127.0.0.1"
  port = ${o.httpPort}
  https = false
}
admin: {
  admin_base_path = "/admin"
  admin_http = true
  admin_ip = "127.0.0.1"
  admin_port = ${o.adminPort}
  admin_https = false
}
`,
  );
  // No static mountpoints: the child creates its one mountpoint through the API.
  writeFileSync(join(dir, 'janus.plugin.streaming.jcfg'), 'general: {\n}\n');
  return join(dir, 'janus.jcfg');
}
