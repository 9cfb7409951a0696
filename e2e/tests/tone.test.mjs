// Unit tests of the PCM tone measurements used by the rtc-node subscribers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rms16, zeroCrossingHz, SampleRing } from '../lib/tone.mjs';

function sine(hz, n, amp = 16384, rate = 48000) {
  const s = new Int16Array(n);
  for (let i = 0; i < n; i++) s[i] = Math.round(amp * Math.sin((2 * Math.PI * hz * i) / rate));
  return s;
}

test('zero crossings find the tone frequency', () => {
  for (const hz of [100, 440, 441, 1000, 3000]) {
    const f = zeroCrossingHz(sine(hz, 24000), 48000);
    assert.ok(Math.abs(f - hz) < 1, `${hz} -> ${f}`);
  }
});

test('silence and near-silence have no frequency', () => {
  assert.equal(zeroCrossingHz(new Int16Array(4800), 48000), 0);
  assert.equal(zeroCrossingHz(sine(440, 4800, 20), 48000), 0);
});

test('rms is relative to full scale', () => {
  assert.ok(Math.abs(rms16(sine(440, 48000, 16384)) - 0.3536) < 0.001);
  assert.equal(rms16(new Int16Array(10)), 0);
});

test('the ring keeps the latest samples in order', () => {
  const r = new SampleRing(4);
  r.push(Int16Array.of(1, 2, 3));
  r.push(Int16Array.of(4, 5, 6));
  assert.deepEqual([...r.ordered()], [3, 4, 5, 6]);
  assert.equal(r.total, 6);
  const m = new SampleRing(48000);
  m.push(sine(440, 30000));
  assert.ok(Math.abs(m.measure(48000).peakHz - 440) < 1);
});
