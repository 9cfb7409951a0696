// Proves the rtc-node measuring path (used by the 20-subscriber load test) without an SFU: frames
// pushed into a local AudioSource/VideoSource come back through rtc-node's AudioStream/VideoStream on
// the local track and are measured by the same code the subscribers use.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  AudioFrame, AudioSource, LocalAudioTrack, LocalVideoTrack, VideoBufferType, VideoFrame, VideoSource, dispose,
} from '@livekit/rtc-node';
import { measureAudioTrack, measureVideoTrack } from '../lib/rtcnode.mjs';
import { pollUntil } from '../lib/browser.mjs';

after(() => dispose());

/** Pushes `ms` of a sine (amplitude 0.5 of full scale; 0 Hz = silence) in 10 ms frames. */
async function pushTone(source, hz, ms) {
  let phase = 0;
  for (let t = 0; t < ms; t += 10) {
    const f = AudioFrame.create(48000, 1, 480);
    for (let i = 0; i < 480; i++) {
      f.data[i] = hz ? Math.round(16384 * Math.sin(phase)) : 0;
      phase += (2 * Math.PI * hz) / 48000;
    }
    await source.captureFrame(f);
  }
}

for (const hz of [440, 1000]) {
  test(`rtc-node audio stream: a ${hz} Hz tone is measured at ${hz} Hz`, async () => {
    const source = new AudioSource(48000, 1);
    const track = LocalAudioTrack.createAudioTrack(`tone${hz}`, source);
    const meter = measureAudioTrack(track);
    try {
      await pushTone(source, hz, 800);
      const s = await pollUntil(() => meter.stats(), (v) => v.samples >= 24000, { what: 'samples', timeoutMs: 5000 });
      assert.ok(Math.abs(s.peakHz - hz) <= 15, `peak ${s.peakHz} Hz`);
      assert.ok(s.rms > 0.3 && s.rms < 0.4, `rms ${s.rms}`);
      await pushTone(source, 0, 800);
      const quiet = await pollUntil(() => meter.stats(), (v) => v.rms < 0.001, { what: 'silence', timeoutMs: 5000 });
      assert.ok(quiet.rms < 0.001, `rms after silence ${quiet.rms}`);
      assert.equal(quiet.peakHz, 0);
    } finally {
      await meter.cancel();
      await track.close?.();
      await source.close?.();
    }
  });
}

test('rtc-node video stream: frames pushed are counted with their size', async () => {
  const source = new VideoSource(320, 180);
  const track = LocalVideoTrack.createVideoTrack('cam', source);
  const meter = measureVideoTrack(track);
  try {
    const data = new Uint8Array((320 * 180 * 3) / 2).fill(128);
    for (let i = 0; i < 15; i++) {
      source.captureFrame(new VideoFrame(data, 320, 180, VideoBufferType.I420), BigInt(i * 66000));
      await new Promise((r) => setTimeout(r, 66));
    }
    const s = await pollUntil(() => meter.stats(), (v) => v.frames >= 10, { what: 'video frames', timeoutMs: 5000 });
    assert.equal(s.width, 320);
    assert.equal(s.height, 180);
  } finally {
    await meter.cancel();
    await track.close?.();
    await source.close?.();
  }
});
