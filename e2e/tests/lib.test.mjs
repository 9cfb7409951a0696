// Unit tests of the harness helpers that need no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumArgs, pollUntil, scrub } from '../lib/browser.mjs';
import { joinToken, serverFromEnv } from '../lib/lk.mjs';
import { scenarioSteps } from '../lib/steps.mjs';
import { TokenVerifier } from 'livekit-server-sdk';

test('chromium flags are the documented set, with the fake mic file last', () => {
  const args = chromiumArgs('/tmp/t.wav');
  for (const f of ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required', '--allow-loopback-in-peer-connection']) {
    assert.ok(args.includes(f), f);
  }
  assert.equal(args.at(-1), '--use-file-for-fake-audio-capture=/tmp/t.wav');
  assert.ok(!chromiumArgs().some((a) => a.startsWith('--use-file-for-fake-audio-capture')));
});

test('pollUntil returns the first passing value and reports the last one on timeout', async () => {
  let n = 0;
  assert.equal(await pollUntil(() => ++n, (v) => v >= 3, { intervalMs: 1 }), 3);
  await assert.rejects(pollUntil(() => ({ seen: 'x' }), () => false, { timeoutMs: 50, intervalMs: 10, what: 'never' }),
    /waiting for never; last seen: .*"seen": "x"/s);
  await assert.rejects(pollUntil(() => { throw new Error('boom'); }, () => true, { timeoutMs: 30, intervalMs: 10 }), /error: boom/);
});

test('console lines lose tokens', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJCIn0.abc-_DEF';
  const line = scrub(`ws://h/rtc/v1?access_token=${jwt}&join_request=CAES123 failed; Bearer ${jwt}`);
  assert.ok(!line.includes('eyJ'), line);
  assert.ok(line.includes('access_token=<'), line);
  assert.ok(line.includes('join_request=<omitted>'), line);
});

test('join tokens carry the grant and verify with the secret', async () => {
  const server = serverFromEnv({ LK_URL: 'ws://127.0.0.1:7880', LK_API_KEY: 'devkey', LK_API_SECRET: 'secret' });
  const jwt = await joinToken(server, 'room1', 'alice', { canPublish: false });
  const claims = await new TokenVerifier('devkey', 'secret').verify(jwt);
  assert.equal(claims.sub, 'alice');
  assert.equal(claims.video.room, 'room1');
  assert.equal(claims.video.roomJoin, true);
  assert.equal(claims.video.canPublish, false);
  await assert.rejects(new TokenVerifier('devkey', 'other').verify(jwt));
  assert.throws(() => serverFromEnv({ LK_URL: 'ws://x' }), /LK_API_KEY, LK_API_SECRET/);
});

test('scenarioSteps: a failed step carries the console tail, and the later steps fail at once naming it', async () => {
  const asked = [];
  const step = scenarioSteps(() => ({ consoleTail: (n) => { asked.push(n); return 'console line'; } }), 7);
  assert.equal(await step(async () => 'first'), 'first');
  await assert.rejects(step(async () => { throw new Error('B heard nothing\nsecond line'); }), (e) => {
    assert.match(e.message, /^B heard nothing\nsecond line\nbrowser console \(tail\):\nconsole line$/);
    return true;
  });
  assert.deepEqual(asked, [7]);
  let ran = false;
  await assert.rejects(step(async () => { ran = true; }), /^Error: not run: an earlier step failed \(B heard nothing\)$/);
  assert.equal(ran, false);
  const noHarness = scenarioSteps(() => undefined);
  await assert.rejects(noHarness(async () => { throw new Error('before the harness started'); }), /^Error: before the harness started$/);
});
