import { SETTINGS } from '../config/settings.js';

/** --help: generated from the settings table, so it always lists every setting. */
export function helpText(): string {
  const lines = [
    'Usage: webrtc-gateway [options]            the gateway',
    '       webrtc-gateway signaling [options]  only the PeerJS-compatible signaling server',
    '',
    'Starts the WebRTC gateway: the REST API (SkyWay WebRTC Gateway contract), the embedded PeerJS',
    'signaling server and the native media engine.',
    'Settings come from, in increasing priority: defaults, the TOML file given with --config',
    '(./config.toml when there is one and --config is not given; keys at top level or in a',
    '[general] table), environment variables, and flags. Boolean flags work bare (--demo-page),',
    'negated (--no-demo-page) or with a value (--demo-page=false).',
    '',
    'Options:',
    '  -c, --config FILE        TOML config file',
    '  -h, --help               show this help',
    '  -v, --version            print the version',
    '',
    'Settings (flag / environment variable / config key):',
  ];
  for (const s of SETTINGS) {
    lines.push(s.type === 'boolean' ? `  --${s.flag}, --no-${s.flag}` : `  --${s.flag} ${s.type === 'integer' ? 'N' : 'VALUE'}`);
    lines.push(`      env ${s.env}, config key ${s.key}; default: ${s.defaultText}`);
    lines.push(`      ${s.help}`);
  }
  lines.push('', 'SIGINT or SIGTERM stops the gateway gracefully: every port is closed and the native thread joined.');
  return lines.join('\n');
}
