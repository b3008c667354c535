// The C++ unit tests (doctest, native/testing/tests/), compiled into the test addon and run here,
// so `npm test` runs them from the committed prebuild with no compiler.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { loadTestAddon } from '../../helpers/native/testAddon.js';

const { runCoreTests } = loadTestAddon();
/** One doctest suite per core class tested, each in native/testing/tests/<Class>Test.cpp. */
const SUITES = ['DataChannelPipe', 'DcepMessage', 'FanoutSource', 'IceAgent restart', 'IceAgent selected pair', 'KeyframeRequestGate', 'PeerJsCodec', 'ReplayWindow', 'RtpPacketCache', 'SctpAssociation', 'SharedSocketDemux', 'SocketAddress', 'TurnStreamDeframer'];
/** The test cases written today: a run with fewer means some stopped being compiled in or registered. */
const MIN_TEST_CASES = 58;

describe('C++ unit tests (doctest)', () => {
  it('run with no failed check, in every suite', () => {
    const r = runCoreTests();
    assert.deepEqual(r.failures, []);
    assert.equal(r.testCasesFailed, 0);
    assert.equal(r.assertsFailed, 0);
    assert.ok(r.testCases >= MIN_TEST_CASES, `${r.testCases} test cases ran (${r.testNames.join(', ')})`);
    assert.ok(r.asserts >= 4 * r.testCases, `${r.asserts} checks were evaluated`);
    assert.deepEqual([...r.suites].sort(), SUITES);
    assert.equal(r.testNames.length, r.testCases);
  });

  it('report a failed check with its values, and an exception (the runner self-check, skipped otherwise)', () => {
    const r = runCoreTests({ testSuite: 'RunnerSelfCheck', includeSkipped: true });
    assert.equal(r.testCases, 2);
    assert.equal(r.testCasesFailed, 2);
    assert.equal(r.failures.length, 2, r.failures.join('\n'));
    assert.match(r.failures[0]!, /RunnerSelfCheckTest\.cpp:\d+: RunnerSelfCheck\/a failing check is reported with its values: two \+ 2 == 5 with 4 == 5$/);
    assert.match(r.failures[1]!, /RunnerSelfCheck\/an exception is reported: threw thrown on purpose$/);
  });

  it('run one suite when asked, and the next run starts from zero', () => {
    const r = runCoreTests({ testSuite: 'ReplayWindow' });
    assert.deepEqual(r.suites, ['ReplayWindow']);
    assert.equal(r.testCases, 4);
    assert.deepEqual(r.failures, []);
    assert.ok(r.testNames.every((n) => n.startsWith('ReplayWindow/')), r.testNames.join(', '));
  });
});
