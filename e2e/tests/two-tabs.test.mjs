// Two tabs talk: both publish microphone and camera through the server, and each hears the other's
// 440 Hz tone and decodes the other's camera. This is the README's "try it" scenario.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, pollUntil } from '../lib/browser.mjs';
import { joinToken, pageLk, serverFromEnv, tracksFrom, uniqueRoom } from '../lib/lk.mjs';

const hearsTone = (a) => a && a.rms > 0.02 && Math.abs(a.peakHz - 440) <= 15;
const seesVideo = (v) => v && v.framesDecoded > 10 && v.frameWidth > 0;

describe('two tabs talk', () => {
  const server = serverFromEnv();
  const room = uniqueRoom('tabs');
  let h;
  let one;
  let two;

  before(async () => {
    h = await Harness.start({ toneHz: 440 });
    [one, two] = await h.openPages(2);
  });

  after(async () => {
    for (const p of [one, two]) if (p) await pageLk.leave(p).catch(() => {});
    if (h) await h.close();
  });

  test('each tab hears and sees the other', async () => {
    await pageLk.join(one, server.url, await joinToken(server, room, 'one'), { mic: true, camera: true });
    await pageLk.join(two, server.url, await joinToken(server, room, 'two'), { mic: true, camera: true });
    for (const [page, other] of [[one, 'two'], [two, 'one']]) {
      const s = await pollUntil(() => pageLk.stats(page),
        (v) => hearsTone(tracksFrom(v, other).audio) && seesVideo(tracksFrom(v, other).video),
        { what: `hearing and seeing ${other}`, timeoutMs: 20000 });
      assert.ok(tracksFrom(s, other).video.frameHeight > 0);
    }
  });
});
