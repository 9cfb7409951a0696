// One browser publisher (livekit-client, 440 Hz tone + camera), 20 subscribers with @livekit/rtc-node
// (native WebRTC, no browser: 20 Chromium pages do not fit on 2 cores). Every subscriber must hear the
// tone and decode growing video; then the publisher leaves and every subscriber sees it go.
// Against a running server: LK_URL, LK_API_KEY, LK_API_SECRET; E2E_SUBSCRIBERS overrides the 20.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dispose } from '@livekit/rtc-node';
import { Harness, pollUntil } from '../lib/browser.mjs';
import { joinToken, pageLk, serverFromEnv, uniqueRoom } from '../lib/lk.mjs';
import { NodeSubscriber } from '../lib/rtcnode.mjs';

const SUBSCRIBERS = Number(process.env.E2E_SUBSCRIBERS || 20);
const TONE_HZ = 440;
const FREQ_TOLERANCE_HZ = 15;
const MIN_RMS = 0.02;
const JOIN_BATCH = 5;

const hears = (s) => s.audio.some((a) => a.identity === 'pub' && a.rms > MIN_RMS && Math.abs(a.peakHz - TONE_HZ) <= FREQ_TOLERANCE_HZ);
const videoOf = (s) => s.video.find((v) => v.identity === 'pub');

describe(`one publisher, ${SUBSCRIBERS} rtc-node subscribers`, () => {
  const server = serverFromEnv();
  const room = uniqueRoom('twenty');
  const subs = [];
  let h;
  let pub;

  before(async () => {
    h = await Harness.start({ toneHz: TONE_HZ });
    pub = await h.openPage('pub');
  });

  after(async () => {
    for (const s of subs) await s.leave().catch(() => {});
    if (pub) await pageLk.leave(pub).catch(() => {});
    if (h) await h.close();
    await dispose();
  });

  const media = (st) => `${st.label}: audio=${JSON.stringify(st.audio)} video=${JSON.stringify(st.video)}`;

  /** Waits until every subscriber satisfies check; the error lists (with describe) the ones that do not. */
  async function allUntil(check, what, timeoutMs, describe = media) {
    await pollUntil(() => subs.map((s) => s.stats()), (all) => all.every(check), { what, timeoutMs })
      .catch(async (e) => {
        const bad = subs.map((s) => s.stats()).filter((st) => !check(st)).map(describe);
        const lag = await subs[0].eventLagMs().catch((err) => `unknown (${err.message})`);
        e.message = `${what}: ${bad.length}/${subs.length} subscribers fail (rtc-node event queue lag ${lag} ms)\n`
          + bad.slice(0, 5).join('\n');
        throw e;
      });
  }

  test(`${SUBSCRIBERS} subscribers hear the tone and decode the camera`, async (t) => {
    await pageLk.join(pub, server.url, await joinToken(server, room, 'pub'), {
      mic: true, camera: true, cameraResolution: { width: 320, height: 180, frameRate: 15 },
    });
    for (let i = 0; i < SUBSCRIBERS; i += JOIN_BATCH) {
      const batch = [];
      for (let j = i; j < Math.min(SUBSCRIBERS, i + JOIN_BATCH); j++) {
        const s = new NodeSubscriber(`sub${j}`);
        subs.push(s);
        batch.push(joinToken(server, room, s.label, { canPublish: false }).then((tok) => s.join(server.url, tok)));
      }
      await Promise.all(batch);
    }
    await allUntil(hears, `every subscriber hearing ${TONE_HZ} Hz`, 60000);
    await allUntil((s) => (videoOf(s)?.frames ?? 0) > 0 && videoOf(s).width > 0, 'every subscriber decoding video', 60000);
    const before = subs.map((s) => videoOf(s.stats()).frames);
    await allUntil((s) => videoOf(s).frames > before[subs.findIndex((x) => x.label === s.label)] + 15,
      'video frames growing at every subscriber', 30000);
    for (const s of subs.slice(0, 3)) {
      const st = s.stats();
      t.diagnostic(`${st.label} audio=${JSON.stringify(st.audio)} video=${JSON.stringify(st.video)}`);
    }
  });

  test('the publisher leaves: every subscriber sees ParticipantDisconnected', async (t) => {
    assert.equal(subs.length, SUBSCRIBERS, 'not every subscriber joined');
    assert.ok(subs.every((s) => s.stats().connected), 'not every subscriber is connected');
    // The media was measured above. Frames still read here would only keep this process's one FFI event
    // queue (room events wait behind every frame of every subscriber) behind: the leave would then be
    // seen late however fast the server sends it. So stop reading frames (the tracks stay subscribed and
    // the server keeps forwarding) and wait until the queue has caught up.
    for (const s of subs) await s.stopMeters();
    const lag = await pollUntil(() => subs[0].eventLagMs(), (ms) => ms < 1000,
      { what: 'the rtc-node event queue to catch up (the test process is overloaded)', timeoutMs: 60000 });
    t.diagnostic(`rtc-node event queue lag before the leave: ${lag} ms`);
    const left = Date.now();
    await pageLk.leave(pub);
    const sawLeave = (e) => e.type === 'participantDisconnected' && e.identity === 'pub';
    await allUntil((s) => s.events.some(sawLeave), 'ParticipantDisconnected at every subscriber', 20000,
      (st) => `${st.label}: connected=${st.connected} remote=${st.remote} events=${JSON.stringify(st.events.slice(-4))}`);
    const after = subs.map((s) => s.events.find(sawLeave).at - left).sort((a, b) => a - b);
    t.diagnostic(`ParticipantDisconnected after the leave began: min ${after[0]} ms, max ${after[after.length - 1]} ms`);
  });
});
