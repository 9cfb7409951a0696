// Selective subscription from the browser (LK_URL, LK_API_KEY, LK_API_SECRET): B joins with
// autoSubscribe false and sees A's tracks unsubscribed; setSubscribed(true) on the microphone
// (UpdateSubscription) brings the tone and no video; the camera follows on request and survives
// quality / dimension changes (UpdateTrackSettings); setSubscribed(false) on the microphone removes
// the track and its packets stop while the camera keeps flowing; setSubscribed(true) again brings the
// tone back on the microphone's old (inactive) transceiver: B's subscriber PC gains no transceiver;
// A leaves and C joins: B subscribes to C's microphone and camera and gets them on A's old transceivers.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, pollUntil } from '../lib/browser.mjs';
import { joinToken, pageLk, sawEvent, serverFromEnv, trackBySource, uniqueRoom } from '../lib/lk.mjs';
import { scenarioSteps } from '../lib/steps.mjs';

const TONE_HZ = 440;
const hearsTone = (a) => a && a.rms > 0.02 && Math.abs(a.peakHz - TONE_HZ) <= 15;
const seesVideo = (v, moreThan = 0) => v && v.framesDecoded > moreThan && v.frameWidth > 0 && v.frameHeight > 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('autoSubscribe=false and UpdateSubscription from a browser', () => {
  const server = serverFromEnv();
  const room = uniqueRoom('subs');
  let h;
  let A;
  let B;
  let C;

  before(async () => {
    h = await Harness.start({ toneHz: TONE_HZ });
    [A, B] = await h.openPages(2);
  });

  after(async () => {
    for (const p of [A, B, C]) if (p) await pageLk.leave(p).catch(() => {});
    if (h) await h.close();
  });

  // sequential scenario: after a failed step the later ones report it at once
  const step = scenarioSteps(() => h);

  const tracksOfA = (s) => s.remote.find((p) => p.identity === 'A')?.tracks ?? [];
  const pubOf = (s, source) => tracksOfA(s).find((t) => t.source === source);

  test('B sees A\'s publications but receives nothing', () => step(async () => {
    await pageLk.join(A, server.url, await joinToken(server, room, 'A'), { mic: true, camera: true });
    await pageLk.join(B, server.url, await joinToken(server, room, 'B'), { autoSubscribe: false });
    const s = await pollUntil(() => pageLk.stats(B), (v) => pubOf(v, 'microphone') && pubOf(v, 'camera'),
      { what: "A's microphone and camera publications at B" });
    await sleep(2000);
    const later = await pageLk.stats(B);
    assert.equal(pubOf(later, 'microphone').subscribed, false);
    assert.equal(pubOf(later, 'camera').subscribed, false);
    assert.deepEqual([later.audio.length, later.video.length], [0, 0]);
    assert.ok(!sawEvent(later, 'trackSubscribed'), 'no TrackSubscribed');
    assert.ok(s.remote.length === 1);
  }));

  test('setSubscribed(true) on the microphone: B hears the tone and gets no video', () => step(async () => {
    await pageLk.setSubscribed(B, 'A', 'microphone', true);
    await pollUntil(() => pageLk.stats(B), (v) => hearsTone(trackBySource(v, 'A', 'microphone')),
      { what: "B hearing A's tone after subscribing", timeoutMs: 15000 });
    await sleep(2000);
    const s = await pageLk.stats(B);
    assert.equal(s.video.length, 0, 'no video track at B');
    assert.equal(pubOf(s, 'camera').subscribed, false);
    assert.ok(!sawEvent(s, 'trackSubscribed', { kind: 'video' }));
  }));

  test('the camera on request, then low quality, then 640x360 dimensions: still decoding', () => step(async () => {
    await pageLk.setSubscribed(B, 'A', 'camera', true);
    const first = await pollUntil(() => pageLk.stats(B), (v) => seesVideo(trackBySource(v, 'A', 'camera')),
      { what: "B decoding A's camera after subscribing", timeoutMs: 15000 });
    console.log('camera at B', trackBySource(first, 'A', 'camera').frameWidth);
    await pageLk.setVideoView(B, 'A', 'camera', { quality: 'low' });
    const low = await pollUntil(() => pageLk.stats(B), (v) => {
      const c = trackBySource(v, 'A', 'camera');
      return seesVideo(c) && c.frameWidth > 0 && c.frameWidth <= 320;
    }, { what: 'the low layer (<= 320 wide) at B', timeoutMs: 15000 });
    const n = trackBySource(low, 'A', 'camera').framesDecoded;
    await pollUntil(() => pageLk.stats(B), (v) => seesVideo(trackBySource(v, 'A', 'camera'), n + 15),
      { what: 'frames growing on the low layer' });
    await pageLk.setVideoView(B, 'A', 'camera', { width: 640, height: 360 });
    await pollUntil(() => pageLk.stats(B), (v) => trackBySource(v, 'A', 'camera')?.frameWidth === 640,
      { what: 'the 640x360 layer again at B', timeoutMs: 15000 });
  }));

  test('setEnabled(false) on the camera pauses it (UpdateTrackSettings.disabled); true resumes', () => step(async () => {
    const frames = async () => trackBySource(await pageLk.stats(B), 'A', 'camera')?.rtp?.packetsReceived ?? 0;
    const p0 = await frames();
    await sleep(2000);
    const p0b = await frames();
    assert.ok(p0b - p0 > 20, `camera packets flowing before: ${p0} -> ${p0b}`);
    await pageLk.setVideoView(B, 'A', 'camera', { enabled: false });
    await sleep(1000);
    const p1 = await frames();
    await sleep(2000);
    const p2 = await frames();
    console.log('camera packets before / while disabled', p0, p0b, p1, p2);
    assert.ok(p2 - p1 < 5, `camera paused: ${p1} -> ${p2} packets`);
    await pageLk.setVideoView(B, 'A', 'camera', { enabled: true });
    const n = trackBySource(await pageLk.stats(B), 'A', 'camera').framesDecoded;
    await pollUntil(() => pageLk.stats(B), (v) => seesVideo(trackBySource(v, 'A', 'camera'), n + 15),
      { what: 'camera frames again after setEnabled(true)', timeoutMs: 10000 });
  }));

  // Everything the subscriber PC receives (transport packets) minus the camera's RTP: the audio's RTP
  // (~50 packets/s) plus RTCP. The audio stops when the server stops forwarding it, whatever Chrome does
  // with the stopped transceiver, so the difference must fall well below 50/s.
  async function nonCameraRate(cameraSid, ms = 3000) {
    const a = await pageLk.transportPackets(B, cameraSid);
    await sleep(ms);
    const b = await pageLk.transportPackets(B, cameraSid);
    return ((b.transport - a.transport) - (b.track - a.track)) / (ms / 1000);
  }

  test('setSubscribed(false) on the microphone: unsubscribed, its packets stop, video goes on', () => step(async () => {
    const cameraSid = trackBySource(await pageLk.stats(B), 'A', 'camera').trackSid;
    const before = await nonCameraRate(cameraSid);
    assert.ok(Number.isFinite(before), `transport packetsReceived available: ${before}`);
    await pageLk.setSubscribed(B, 'A', 'microphone', false);
    await pollUntil(() => pageLk.stats(B), (v) => sawEvent(v, 'trackUnsubscribed', { identity: 'A', kind: 'audio' })
        && pubOf(v, 'microphone')?.subscribed === false && !trackBySource(v, 'A', 'microphone'),
      { what: 'TrackUnsubscribed for the microphone at B' });
    await sleep(1000); // packets in flight when the server stopped
    const v1 = trackBySource(await pageLk.stats(B), 'A', 'camera').framesDecoded;
    const after = await nonCameraRate(cameraSid);
    console.log('non-camera packets/s at B before and after unsubscribing the mic', before, after);
    assert.ok(before > 45, `audio flowing before: ${before}/s`);
    assert.ok(after < 25, `audio stopped after: ${after}/s`);
    const v2 = trackBySource(await pageLk.stats(B), 'A', 'camera').framesDecoded;
    assert.ok(v2 > v1 + 15, `video still decoding (${v1} -> ${v2})`);
  }));

  // The server takes back the microphone's inactive m-line (answered inactive by B) for the new
  // subscription: inactive -> sendonly makes Chrome fire a track event on the same transceiver.
  test('setSubscribed(true) on the microphone again: the tone is back, no new transceiver', () => step(async () => {
    const before = await pollUntil(() => pageLk.subscriberTransceivers(B),
      (t) => t && t.length === 2 && t.filter((x) => x.currentDirection === 'inactive').length === 1,
      { what: "B's subscriber PC with the microphone's transceiver answered inactive" });
    await pageLk.setSubscribed(B, 'A', 'microphone', true);
    await pollUntil(() => pageLk.stats(B), (v) => hearsTone(trackBySource(v, 'A', 'microphone')),
      { what: "B hearing A's tone again after subscribing again", timeoutMs: 15000 });
    const after = await pollUntil(() => pageLk.subscriberTransceivers(B),
      (t) => t && t.filter((x) => x.currentDirection === 'recvonly').length === 2,
      { what: "two receiving transceivers on B's subscriber PC" });
    console.log('subscriber transceivers at B before / after subscribing again', JSON.stringify(before), JSON.stringify(after));
    assert.equal(after.length, before.length, `no new transceiver: ${JSON.stringify(after)}`);
    const s = await pageLk.stats(B);
    assert.equal(pubOf(s, 'microphone').subscribed, true);
    assert.ok(seesVideo(trackBySource(s, 'A', 'camera')), 'camera still decoding');
  }));

  // Churn: A's tracks leave B's subscriber PC (both m-lines inactive, answered), C's tracks of the same
  // kinds and codecs (the same Chromium: the same payload types) take them back with C's msid and ssrc.
  test('A leaves, C joins: B gets C\'s microphone and camera on A\'s old transceivers', () => step(async () => {
    await pageLk.leave(A);
    const before = await pollUntil(() => pageLk.subscriberTransceivers(B),
      (t) => t && t.length === 2 && t.every((x) => x.currentDirection === 'inactive'),
      { what: "B's subscriber PC with A's two transceivers answered inactive" });
    C = await h.openPage();
    await pageLk.join(C, server.url, await joinToken(server, room, 'C'), { mic: true, camera: true });
    const pubsOfC = (v) => v.remote.find((p) => p.identity === 'C')?.tracks ?? [];
    await pollUntil(() => pageLk.stats(B), (v) => pubsOfC(v).length === 2, { what: "C's publications at B" });
    await pageLk.setSubscribed(B, 'C', 'microphone', true);
    await pageLk.setSubscribed(B, 'C', 'camera', true);
    await pollUntil(() => pageLk.stats(B),
      (v) => hearsTone(trackBySource(v, 'C', 'microphone')) && seesVideo(trackBySource(v, 'C', 'camera'), 15),
      { what: "B hearing C's tone and decoding C's camera", timeoutMs: 20000 });
    const after = await pollUntil(() => pageLk.subscriberTransceivers(B),
      (t) => t && t.filter((x) => x.currentDirection === 'recvonly').length === 2,
      { what: "two receiving transceivers on B's subscriber PC" });
    console.log('subscriber transceivers at B before / after C', JSON.stringify(before), JSON.stringify(after));
    assert.equal(after.length, 2, `no new transceiver: ${JSON.stringify(after)}`);
  }));
});
