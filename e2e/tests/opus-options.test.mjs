// Opus options from AddTrackRequest (LK_URL, LK_API_KEY, LK_API_SECRET): the server's answer turns on
// DTX (usedtx=1) for a default microphone, leaves it off for one published with dtx: false, and gives a
// forceStereo microphone (AddTrackRequest stereo) stereo=1 with maxaveragebitrate=510000 - LiveKit's
// answer munging. The SDK offers stereo=1 on every audio m-line; only a stereo track's answer keeps it,
// so mono mics are not asked to send stereo. The SDK also marks a track TF_STEREO (audio_features) when
// its capture has more than one channel, and LiveKit answers stereo for that too: Chrome's fake mic has
// two channels without audio processing (channelCount constraints are ignored), so D and N turn on
// echo cancellation, which makes the capture mono.
// (publishDefaults keep DTX on for forceStereo.) Read from
// the answer each publisher PC applied; B still hears every tone.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, pollUntil } from '../lib/browser.mjs';
import { joinToken, pageLk, serverFromEnv, tracksFrom, uniqueRoom } from '../lib/lk.mjs';

const MONO = { echoCancellation: true }; // Chrome's capture is mono with echo cancellation on
const hearsTone = (a) => a && a.rms > 0.02 && Math.abs(a.peakHz - 440) <= 15;

describe('opus dtx and stereo follow AddTrackRequest', () => {
  const server = serverFromEnv();
  const room = uniqueRoom('opus');
  let h;
  let pages;

  before(async () => {
    h = await Harness.start({ toneHz: 440 });
    pages = await h.openPages(4);
  });

  after(async () => {
    for (const p of pages ?? []) await pageLk.leave(p).catch(() => {});
    if (h) await h.close();
  });

  test('default: usedtx=1, no stereo; dtx false: none; forceStereo: stereo=1;maxaveragebitrate=510000', async () => {
    try {
      const [B, D, N, S] = pages;
      await pageLk.join(B, server.url, await joinToken(server, room, 'B'));
      await pageLk.join(D, server.url, await joinToken(server, room, 'D'), { mic: true, micCapture: MONO });
      await pageLk.join(N, server.url, await joinToken(server, room, 'N'),
        { mic: true, micCapture: MONO, micPublish: { dtx: false } });
      await pageLk.join(S, server.url, await joinToken(server, room, 'S'), { mic: true, micPublish: { forceStereo: true } });
      const fmtp = {};
      for (const [id, p] of [['D', D], ['N', N], ['S', S]]) {
        fmtp[id] = await pollUntil(() => pageLk.micAnswerFmtp(p), (f) => typeof f === 'string',
          { what: `the answer's opus fmtp for ${id}'s microphone` });
      }
      console.log('opus fmtp', JSON.stringify(fmtp));
      assert.match(fmtp.D, /usedtx=1/);
      assert.doesNotMatch(fmtp.N, /usedtx=1/);
      assert.match(fmtp.S, /(^|;)stereo=1(;|$)/);
      assert.match(fmtp.S, /maxaveragebitrate=510000/);
      assert.doesNotMatch(fmtp.D, /maxaveragebitrate/);
      assert.doesNotMatch(fmtp.D, /stereo/, 'a mono mic is not answered stereo=1 (nor sprop-stereo)');
      assert.doesNotMatch(fmtp.N, /stereo/);
      await pollUntil(() => pageLk.stats(B), (s) => ['D', 'N', 'S'].every((id) => hearsTone(tracksFrom(s, id).audio)),
        { what: 'B hearing D, N and S', timeoutMs: 20000 });
    } catch (e) {
      e.message += `\nbrowser console (tail):\n${h.consoleTail()}`;
      throw e;
    }
  });
});
