import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { helpText } from '../../src/cli/helpText.js';
import { parseCliArgs } from '../../src/cli/parseCliArgs.js';
import { SETTINGS } from '../../src/config/settings.js';

describe('command line', () => {
  it('passes setting flags and --config through', () => {
    const args = parseCliArgs(['--api-port', '9001', '--log-level=debug', '-c', 'gw.toml']);
    assert.equal(args.flags['api-port'], '9001');
    assert.equal(args.flags['log-level'], 'debug');
    assert.equal(args.configFile, 'gw.toml');
    assert.equal(args.help, false);
  });

  it('knows the signaling command', () => {
    assert.equal(parseCliArgs([]).command, 'gateway');
    assert.equal(parseCliArgs(['signaling', '--signaling-port', '9001']).command, 'signaling');
    assert.throws(() => parseCliArgs(['signaling', 'extra']), /Unexpected argument 'extra'/);
  });

  it('rejects unknown flags and stray arguments, naming them', () => {
    assert.throws(() => parseCliArgs(['--nope']), /^TypeError: unknown option --nope$/);
    assert.throws(() => parseCliArgs(['--no-api-port']), /unknown option --no-api-port/);
    assert.throws(() => parseCliArgs(['--api-port']), /option --api-port needs a value/);
    assert.throws(() => parseCliArgs(['extra']), /Unexpected argument 'extra'/);
  });

  it('takes boolean settings bare, negated, with =value or with a true/false word', () => {
    const flag = (argv: string[], name: string) => parseCliArgs(argv).flags[name];
    assert.equal(flag(['--demo-page'], 'demo-page'), 'true');
    assert.equal(flag(['--demo-page', '--api-port', '8001'], 'demo-page'), 'true');
    assert.equal(flag(['--no-media-nack'], 'media-nack'), 'false');
    assert.equal(flag(['--media-nack=false'], 'media-nack'), 'false');
    assert.equal(flag(['--embedded-signaling', 'false'], 'embedded-signaling'), 'false');
    assert.equal(flag(['--demo-page', 'signaling'], 'demo-page'), 'true', 'a following word that is no boolean is not its value');
    assert.equal(parseCliArgs(['--demo-page', 'signaling']).command, 'signaling');
  });

  it('documents every setting in --help, with its flag, environment variable and config key', () => {
    const text = helpText();
    for (const s of SETTINGS) {
      assert.ok(text.includes(`--${s.flag}`), s.flag);
      assert.ok(text.includes(s.env), s.env);
      assert.ok(text.includes(`config key ${s.key}`), s.key);
    }
    assert.match(text, /--config FILE/);
  });
});

describe('README', () => {
  it('documents every setting with its flag, environment variable and config key', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const s of SETTINGS) {
      assert.ok(readme.includes(`\`--${s.flag}\``), `README lists --${s.flag}`);
      assert.ok(readme.includes(`\`${s.env}\``), `README lists ${s.env}`);
      assert.ok(readme.includes(`\`${s.key}\``), `README lists ${s.key}`);
    }
  });
});
