// ICE over TCP against a running server (LK_URL, LK_API_KEY, LK_API_SECRET, LK_RTC_TCP_PORT) whose
// rtc.tcp_port is on: both pages drop the server's UDP candidates (join option tcpOnly, see
// page/entry.js), so ICE can only use its passive TCP candidate (RFC 6544). A publishes mic and camera,
// B hears the tone and decodes the video; every selected pair (A's publisher, B's subscriber) is TCP.
// (Chromium's --force-webrtc-ip-handling-policy=disable_non_proxied_udp did not stop UDP here.)
// Then resumes over TCP: A's signalling closes (its publisher ICE restart must land on a TCP pair of the new
// generation) and B resumes as after a subscriber PC failure (the server ICE-restarts B's subscriber PC).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, pollUntil } from '../lib/browser.mjs';
import { joinToken, pageLk, printPageStates, serverFromEnv, tracksFrom, uniqueRoom } from '../lib/lk.mjs';

const TONE_HZ = 440;
const hearsTone = (a) => a && a.rms > 0.02 && Math.abs(a.peakHz - TONE_HZ) <= 15;
const seesVideo = (v, moreThan = 0) => v && v.framesDecoded > moreThan && v.frameWidth > 0;

describe('ICE over TCP: a browser without UDP', () => {
  const server = serverFromEnv();
  const room = uniqueRoom('icetcp');
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

  test('A publishes over TCP; B receives audio and video over TCP', async () => {
    try {
      await pageLk.join(B, server.url, await joinToken(server, room, 'B'), { tcpOnly: true });
      await pageLk.join(A, server.url, await joinToken(server, room, 'A'), { mic: true, camera: true, tcpOnly: true });
      await pollUntil(() => pageLk.stats(B), (s) => hearsTone(tracksFrom(s, 'A').audio),
        { what: `B hearing A's ${TONE_HZ} Hz tone over TCP`, timeoutMs: 30000 });
      const s = await pollUntil(() => pageLk.stats(B), (v) => seesVideo(tracksFrom(v, 'A').video, 15),
        { what: "B decoding A's camera over TCP", timeoutMs: 30000 });
      const { audio, video } = tracksFrom(s, 'A');
      assert.equal(audio.pair?.protocol, 'tcp', `audio pair ${JSON.stringify(audio.pair)}`);
      assert.equal(video.pair?.protocol, 'tcp', `video pair ${JSON.stringify(video.pair)}`);
      assert.equal(audio.pair?.remotePort, Number(process.env.LK_RTC_TCP_PORT), 'the server\'s rtc.tcp_port');
      const a = await pageLk.stats(A);
      assert.equal(a.publisherPair?.protocol, 'tcp', `A's publisher pair ${JSON.stringify(a.publisherPair)}`);
    } catch (e) {
      await printPageStates(h, { A, B });
      throw e;
    }
  });

  const reconnects = (s) => s.events.filter((e) => e.type === 'reconnected').length;
  const packetsFromA = (s) => tracksFrom(s, 'A').audio?.rtp?.packetsReceived ?? 0;

  /** Resumes `page` (start() triggers it) and waits until `pc` runs on a new ICE generation over TCP. */
  async function resumeOverTcp(page, pc, start) {
    const before = await pageLk.stats(page);
    const ice0 = await pageLk.iceInfo(page);
    await start();
    const after = await pollUntil(() => pageLk.stats(page), (s) => reconnects(s) > reconnects(before),
      { what: 'reconnected', timeoutMs: 20000 });
    assert.equal(after.local.sid, before.local.sid, 'resumed with the same sid');
    await pollUntil(() => pageLk.iceInfo(page), (i) => i[pc]?.localUfrag !== ice0[pc].localUfrag
      && i[pc]?.remoteUfrag !== ice0[pc].remoteUfrag && i[pc]?.selectedUfrag === i[pc]?.localUfrag,
    { what: `the ${pc} PC on a restarted ICE generation`, timeoutMs: 10000 });
    const p0 = packetsFromA(await pageLk.stats(B));
    const s = await pollUntil(() => pageLk.stats(B), (v) => packetsFromA(v) > p0 + 50 && hearsTone(tracksFrom(v, 'A').audio),
      { what: 'B hearing A after the resume', timeoutMs: 15000 });
    assert.equal(tracksFrom(s, 'A').audio.pair?.protocol, 'tcp');
    return after;
  }

  test('resumes over TCP: publisher and subscriber ICE restarts', async () => {
    try {
      const a = await resumeOverTcp(A, 'publisher', () => pageLk.simulate(A, 'signal-reconnect', 1000));
      assert.equal(a.publisherPair?.protocol, 'tcp', `A's publisher pair ${JSON.stringify(a.publisherPair)}`);
      await resumeOverTcp(B, 'subscriber', () => pageLk.simulateSubscriberFailure(B));
    } catch (e) {
      console.error(`browser console (tail):\n${h.consoleTail(80)}`);
      throw e;
    }
  });
});
