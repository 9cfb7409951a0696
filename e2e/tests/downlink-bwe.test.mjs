// The downlink's transport-wide congestion control: B's subscriber PC gets A's audio and video with the
// header extensions B negotiated (B's own inbound-rtp stats count more than the 12-byte fixed header per
// packet), keeps playing, and sends transport-cc feedback for them (counted by the server; the JUnit
// test MediaPlaneE2ETest.browserSubscriberSendsTransportFeedback asserts on that counter).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, pollUntil } from '../lib/browser.mjs';
import { joinToken, pageLk, serverFromEnv, tracksFrom, uniqueRoom } from '../lib/lk.mjs';

const hearsTone = (a) => a && a.rms > 0.02 && Math.abs(a.peakHz - 440) <= 15;
const seesVideo = (v) => v && v.framesDecoded > 10 && v.frameWidth > 0;
const headerPerPacket = (rtp) => rtp.headerBytesReceived / Math.max(1, rtp.packetsReceived);

describe('downlink transport-cc', () => {
  const server = serverFromEnv();
  const room = uniqueRoom('bwe');
  let h;
  let a;
  let b;

  before(async () => {
    h = await Harness.start({ toneHz: 440 });
    [a, b] = await h.openPages(2);
  });

  after(async () => {
    for (const p of [a, b]) if (p) await pageLk.leave(p).catch(() => {});
    if (h) await h.close();
  });

  test('B plays A for several seconds over packets that carry its negotiated extensions', async () => {
    await pageLk.join(a, server.url, await joinToken(server, room, 'A'), { mic: true, camera: true });
    await pageLk.join(b, server.url, await joinToken(server, room, 'B'), {});
    const first = await pollUntil(() => pageLk.stats(b),
      (s) => hearsTone(tracksFrom(s, 'A').audio) && seesVideo(tracksFrom(s, 'A').video),
      { what: 'B hearing and seeing A', timeoutMs: 20000 });
    await new Promise((r) => setTimeout(r, 6000)); // the feedback loop runs while media flows
    const later = await pageLk.stats(b);
    const { audio, video } = tracksFrom(later, 'A');
    assert.ok(hearsTone(audio), `B still hears A: ${JSON.stringify(audio)}`);
    assert.ok(video.framesDecoded > tracksFrom(first, 'A').video.framesDecoded + 60,
      `B keeps decoding A: ${tracksFrom(first, 'A').video.framesDecoded} -> ${video.framesDecoded}`);
    // 12 bytes of fixed header + 4 of extension header + 8 of elements (transport-cc and the audio level
    // or abs-send-time, RFC 8285 4.2)
    for (const [kind, rtp] of [['audio', audio.rtp], ['video', video.rtp]]) {
      assert.ok(headerPerPacket(rtp) >= 20, `${kind} header bytes per packet: ${headerPerPacket(rtp)} ${JSON.stringify(rtp)}`);
    }
  });
});
