// Screen share end to end (LK_URL, LK_API_KEY, LK_API_SECRET): A publishes its microphone (a 440 Hz
// tone), its screen (setScreenShareEnabled: getDisplayMedia from Chromium's fake capture) and screen
// share audio (a 660 Hz oscillator published with source ScreenShareAudio); B sees the publications with those sources, decodes the screen and hears both tones
// on the right tracks. The JUnit side checks the track_published webhooks carry the sources.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, pollUntil } from '../lib/browser.mjs';
import { joinToken, pageLk, serverFromEnv, trackBySource, uniqueRoom } from '../lib/lk.mjs';

const MIC_HZ = 440;
const SCREEN_HZ = 660;
const FREQ_TOLERANCE_HZ = 15;
const MIN_RMS = 0.02;

const hears = (a, hz) => a && a.rms > MIN_RMS && Math.abs(a.peakHz - hz) <= FREQ_TOLERANCE_HZ;
const seesVideo = (v, moreThan = 0) => v && v.framesDecoded > moreThan && v.frameWidth > 0 && v.frameHeight > 0;

describe('screen share', () => {
  const server = serverFromEnv();
  const room = process.env.E2E_ROOM || uniqueRoom('screen');
  let h;
  let A;
  let B;

  before(async () => {
    h = await Harness.start({ toneHz: MIC_HZ });
    [A, B] = await h.openPages(2);
  });

  after(async () => {
    for (const p of [A, B]) if (p) await pageLk.leave(p).catch(() => {});
    if (h) await h.close();
  });

  test('B receives A\'s screen share video and audio with their sources', async () => {
    try {
      await pageLk.join(B, server.url, await joinToken(server, room, 'B'));
      await pageLk.join(A, server.url, await joinToken(server, room, 'A'), { mic: true });
      const sids = await pageLk.publishScreenShare(A, { audioHz: SCREEN_HZ });
      assert.ok(sids.video && sids.audio, `screen share published: ${JSON.stringify(sids)}`);
      const s = await pollUntil(() => pageLk.stats(B), (v) => seesVideo(trackBySource(v, 'A', 'screen_share'))
          && hears(trackBySource(v, 'A', 'screen_share_audio'), SCREEN_HZ) && hears(trackBySource(v, 'A', 'microphone'), MIC_HZ),
        { what: "B decoding A's screen and hearing 660 Hz screen audio and the 440 Hz mic", timeoutMs: 25000 });
      const remoteA = s.remote.find((p) => p.identity === 'A');
      const sources = remoteA.tracks.map((t) => `${t.kind}:${t.source}`).sort();
      assert.deepEqual(sources, ['audio:microphone', 'audio:screen_share_audio', 'video:screen_share']);
      assert.ok(!s.video.some((v) => v.identity === 'A' && v.source === 'camera'), 'no camera at B');
      assert.equal(trackBySource(s, 'A', 'screen_share').trackSid, sids.video);
      assert.equal(trackBySource(s, 'A', 'screen_share_audio').trackSid, sids.audio);
      console.log('screen at B', JSON.stringify(trackBySource(s, 'A', 'screen_share').rtp));
      const n = trackBySource(s, 'A', 'screen_share').framesDecoded;
      await pollUntil(() => pageLk.stats(B), (v) => seesVideo(trackBySource(v, 'A', 'screen_share'), n + 20),
        { what: 'screen framesDecoded growing at B' });
    } catch (e) {
      e.message += `\nbrowser console (tail):\n${h.consoleTail()}`;
      throw e;
    }
  });
});
