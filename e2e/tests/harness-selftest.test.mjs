// Proves the browser harness without an SFU: Chromium's fake mic (a sox tone) and fake camera go
// through an RTCPeerConnection pair inside one page and are measured with the helpers the media tests
// use (AnalyserNode peak frequency and RMS, inbound-rtp framesDecoded and frame size).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Harness, pollUntil } from '../lib/browser.mjs';

const FREQ_TOLERANCE_HZ = 15;
const MIN_RMS = 0.02;

const harnesses = new Map(); // tone -> Harness, one Chromium per tone
after(async () => { for (const h of harnesses.values()) await h.close(); });

async function harnessFor(toneHz) {
  if (!harnesses.has(toneHz)) harnesses.set(toneHz, await Harness.start({ toneHz }));
  return harnesses.get(toneHz);
}

async function loopbackPage(toneHz) {
  const h = await harnessFor(toneHz);
  const page = await h.openPage(`tone${toneHz}`);
  const started = await page.evaluate(() => window.lk.loopback.start());
  assert.deepEqual(started, { audioTracks: 1, videoTracks: 1 });
  return { h, page };
}

for (const toneHz of [440, 1000]) {
  test(`loopback: analyser hears the ${toneHz} Hz fake mic, camera frames decode`, async () => {
    const { h, page } = await loopbackPage(toneHz);
    const stats = () => page.evaluate(() => window.lk.loopback.stats());
    try {
      const heard = await pollUntil(stats,
        (s) => s.audio && s.audio.rms > MIN_RMS && Math.abs(s.audio.peakHz - toneHz) <= FREQ_TOLERANCE_HZ,
        { what: `a ${toneHz} Hz tone at the receiving end`, timeoutMs: 20000 });
      assert.ok(heard.audio.rtp.packetsReceived > 0, 'audio arrived over RTP');
      const first = await pollUntil(stats, (s) => s.video && s.video.framesDecoded > 0,
        { what: 'decoded camera frames', timeoutMs: 20000 });
      assert.ok(first.video.frameWidth > 0 && first.video.frameHeight > 0, `frame size ${first.video.frameWidth}x${first.video.frameHeight}`);
      await pollUntil(stats, (s) => s.video.framesDecoded > first.video.framesDecoded + 10,
        { what: 'framesDecoded to keep growing' });
    } catch (e) {
      e.message += `\nconsole:\n${h.consoleTail()}`;
      throw e;
    }
  });
}

test('loopback: a disabled sending track reaches the analyser as silence', async () => {
  const { page } = await loopbackPage(440);
  const stats = () => page.evaluate(() => window.lk.loopback.stats());
  await pollUntil(stats, (s) => s.audio && s.audio.rms > MIN_RMS, { what: 'the tone first', timeoutMs: 20000 });
  await page.evaluate(() => window.lk.loopback.setAudioEnabled(false));
  const quiet = await pollUntil(stats, (s) => s.audio.rms < 0.001, { what: 'silence after disabling the track' });
  assert.ok(quiet.audio.rms < MIN_RMS);
  await page.evaluate(() => window.lk.loopback.setAudioEnabled(true));
  await pollUntil(stats, (s) => s.audio.rms > MIN_RMS && Math.abs(s.audio.peakHz - 440) <= FREQ_TOLERANCE_HZ,
    { what: 'the tone again after re-enabling' });
});

test('page bundle carries the pinned livekit-client', async () => {
  const page = await (await harnessFor(440)).openPage('version');
  const pkg = JSON.parse(await readFile(new URL('../node_modules/livekit-client/package.json', import.meta.url)));
  assert.equal(await page.evaluate(() => window.lk.sdkVersion), pkg.version);
  const lockfile = JSON.parse(await readFile(new URL('../package.json', import.meta.url)));
  assert.equal(lockfile.dependencies['livekit-client'], pkg.version);
});

test('join to a closed port rejects with an error the driver can see', async () => {
  const page = await (await harnessFor(440)).openPage('closed-port');
  const err = await page.evaluate(async () => {
    try {
      await window.lk.join('ws://127.0.0.1:9', 'not-a-token', {});
      return null;
    } catch (e) {
      return String(e && e.message || e);
    }
  });
  assert.ok(err, 'join must fail when nothing listens');
  const again = await page.evaluate(() => window.lk.join('ws://127.0.0.1:9', 'not-a-token', {}).then(() => null, (e) => String(e.message)));
  assert.ok(again && !again.includes('already joined'), `a second join retries: ${again}`);
  assert.equal((await page.evaluate(() => window.lk.stats())).state, 'none');
});
