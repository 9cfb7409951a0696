// TURN from the server's configuration: a server whose rtc.turn_servers names a TURN server (coturn with
// use-auth-secret, started by TurnRelayE2ETest) hands it to clients in JoinResponse.ice_servers with
// credentials made from the shared secret. Both pages join with iceTransportPolicy 'relay', so they can
// only reach the server through that TURN server, with those credentials: A publishes mic and camera, B
// hears the tone and decodes the video, and every selected pair's local candidate is a relay candidate.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, pollUntil } from '../lib/browser.mjs';
import { joinToken, pageLk, printPageStates, serverFromEnv, tracksFrom, uniqueRoom } from '../lib/lk.mjs';

const TONE_HZ = 440;
const hearsTone = (a) => a && a.rms > 0.02 && Math.abs(a.peakHz - TONE_HZ) <= 15;
const seesVideo = (v) => v && v.framesDecoded > 10 && v.frameWidth > 0;

describe('TURN servers from rtc.turn_servers', () => {
  const server = serverFromEnv();
  const room = uniqueRoom('turn');
  let h;
  let A;
  let B;

  before(async () => {
    h = await Harness.start({ toneHz: TONE_HZ });
    [A, B] = await h.openPages(2);
  });

  after(async () => {
    for (const p of [A, B]) if (p) await pageLk.leave(p).catch(() => {});
    if (h) await h.close();
  });

  test('relay-only browsers publish and receive through the configured TURN server', async () => {
    try {
      await pageLk.join(B, server.url, await joinToken(server, room, 'B'), { relayOnly: true });
      await pageLk.join(A, server.url, await joinToken(server, room, 'A'), { mic: true, camera: true, relayOnly: true });
      const s = await pollUntil(() => pageLk.stats(B),
        (v) => hearsTone(tracksFrom(v, 'A').audio) && seesVideo(tracksFrom(v, 'A').video),
        { what: `B hearing and seeing A through TURN`, timeoutMs: 30000 });
      const { audio, video } = tracksFrom(s, 'A');
      assert.equal(audio.pair?.localType, 'relay', `B's audio pair ${JSON.stringify(audio.pair)}`);
      assert.equal(video.pair?.localType, 'relay', `B's video pair ${JSON.stringify(video.pair)}`);
      const a = await pageLk.stats(A);
      assert.equal(a.publisherPair?.localType, 'relay', `A's publisher pair ${JSON.stringify(a.publisherPair)}`);
    } catch (e) {
      await printPageStates(h, { A, B });
      throw e;
    }
  });
});
