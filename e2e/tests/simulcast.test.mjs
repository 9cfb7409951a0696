// Per-subscriber simulcast layers (LK_URL, LK_API_KEY, LK_API_SECRET): A publishes a 640x360 camera
// with simulcast (livekit-client's default: a 320x180 layer q and a 640x360 layer h); B asks for
// VideoQuality.LOW and C for HIGH (UpdateTrackSettings). At the same moment B decodes the small layer
// and C the large one, both with framesDecoded growing; then B asks for HIGH and its frames grow to
// 640 wide while framesDecoded keeps growing (the switch lands on a key frame, no decoder reset).
// B's TrackInfo of the camera names the SSRC of each layer A sends (learnt by the server from the media).
//
// Chromium ramps its send-side bandwidth estimate up from a low start, so the 640x360 layer may
// start late: the test waits until A reports both layers sending and C decodes 640-wide frames, which
// only happens once the server receives that layer; it never accepts C on the low layer.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, pollUntil } from '../lib/browser.mjs';
import { joinToken, pageLk, serverFromEnv, trackBySource, uniqueRoom } from '../lib/lk.mjs';
import { scenarioSteps } from '../lib/steps.mjs';

const seesVideo = (v, moreThan = 0) => v && v.framesDecoded > moreThan && v.frameWidth > 0 && v.frameHeight > 0;
const cam = (s) => trackBySource(s, 'A', 'camera');

describe('simulcast: each subscriber gets its own layer', () => {
  const server = serverFromEnv();
  const room = uniqueRoom('simulcast');
  let h;
  let A;
  let B;
  let C;

  before(async () => {
    h = await Harness.start({ toneHz: 440 });
    [A, B, C] = await h.openPages(3);
  });

  after(async () => {
    for (const p of [A, B, C]) if (p) await pageLk.leave(p).catch(() => {});
    if (h) await h.close();
  });

  // sequential scenario: after a failed step the later ones report it at once
  const step = scenarioSteps(() => h);

  test('A sends two layers; B (LOW) and C (HIGH) decode different sizes at the same time', () => step(async () => {
    await pageLk.join(B, server.url, await joinToken(server, room, 'B'));
    await pageLk.join(C, server.url, await joinToken(server, room, 'C'));
    await pageLk.join(A, server.url, await joinToken(server, room, 'A'), { camera: true });
    await pollUntil(() => pageLk.stats(B), (v) => cam(v), { what: "A's camera subscribed at B" });
    await pollUntil(() => pageLk.stats(C), (v) => cam(v), { what: "A's camera subscribed at C" });
    await pageLk.setVideoView(B, 'A', 'camera', { quality: 'low' });
    await pageLk.setVideoView(C, 'A', 'camera', { quality: 'high' });
    // both layers leave A's browser (bytes growing on each rid)
    const p0 = await pollUntil(() => pageLk.publisherStats(A), (p) => p && p.layers.filter((l) => l.bytesSent > 0).length >= 2,
      { what: "A's camera sending two layers", timeoutMs: 30000 });
    const p1 = await pollUntil(() => pageLk.publisherStats(A), (p) => p.layers.every((l) => {
      const before = p0.layers.find((x) => x.rid === l.rid);
      return l.frameWidth > 0 && (!before || l.bytesSent > before.bytesSent);
    }), { what: 'every layer of A growing', timeoutMs: 30000 });
    console.log('A layers', JSON.stringify(p1.layers.map((l) => ({ rid: l.rid, w: l.frameWidth, bytes: l.bytesSent }))));
    // TrackInfo.layers[].ssrc: the server learns each layer's SSRC from its packets and tells B (as LiveKit)
    const sent = p1.layers.map((l) => l.ssrc).sort();
    const seen = await pollUntil(() => pageLk.trackInfos(B), (x) => {
      const info = x.remote.find((t) => t.identity === 'A' && t.source === 'camera')?.info;
      return info && sent.every((ssrc) => info.layers.some((l) => l.ssrc === ssrc));
    }, { what: `B's TrackInfo of A's camera naming the layer SSRCs ${sent}`, timeoutMs: 10000 });
    console.log('B sees A layers', JSON.stringify(seen.remote.find((t) => t.identity === 'A' && t.source === 'camera').info.layers));
    const widths = p1.layers.map((l) => l.frameWidth).sort((x, y) => x - y);
    assert.ok(widths[0] < widths[widths.length - 1], `layers of different sizes: ${widths}`);
    // C gets the large layer once the server receives it (bandwidth ramp-up may take a while)
    const c = await pollUntil(() => pageLk.stats(C), (v) => seesVideo(cam(v)) && cam(v).frameWidth === 640,
      { what: 'C decoding the 640-wide layer', timeoutMs: 45000 });
    const b = await pollUntil(() => pageLk.stats(B), (v) => seesVideo(cam(v)) && cam(v).frameWidth <= 320,
      { what: 'B decoding the 320-wide layer', timeoutMs: 15000 });
    const nb = cam(b).framesDecoded;
    const nc = cam(c).framesDecoded;
    // at the same moment, both still decoding and still on their own layers
    const [b2, c2] = await pollUntil(async () => [await pageLk.stats(B), await pageLk.stats(C)],
      ([x, y]) => seesVideo(cam(x), nb + 30) && seesVideo(cam(y), nc + 30),
      { what: 'frames growing at B and C', timeoutMs: 20000 });
    console.log('B', cam(b2).frameWidth, cam(b2).framesDecoded, 'C', cam(c2).frameWidth, cam(c2).framesDecoded);
    assert.ok(cam(b2).frameWidth > 0 && cam(b2).frameWidth < cam(c2).frameWidth,
      `B (LOW) ${cam(b2).frameWidth} wide, C (HIGH) ${cam(c2).frameWidth} wide`);
    assert.equal(cam(c2).frameWidth, 640);
  }));

  test('B switches to HIGH: its frames grow to 640 wide and framesDecoded keeps growing', () => step(async () => {
    const before = cam(await pageLk.stats(B));
    assert.ok(before.frameWidth <= 320, `B still on the low layer: ${before.frameWidth}`);
    await pageLk.setVideoView(B, 'A', 'camera', { quality: 'high' });
    const up = await pollUntil(() => pageLk.stats(B), (v) => cam(v)?.frameWidth === 640,
      { what: 'B decoding 640-wide frames after asking for HIGH', timeoutMs: 20000 });
    const n = cam(up).framesDecoded;
    assert.ok(n > before.framesDecoded, `framesDecoded grew through the switch: ${before.framesDecoded} -> ${n}`);
    const later = await pollUntil(() => pageLk.stats(B), (v) => seesVideo(cam(v), n + 30),
      { what: 'B frames growing on the high layer', timeoutMs: 20000 });
    assert.equal(cam(later).frameWidth, 640);
    const c = cam(await pageLk.stats(C));
    assert.equal(c.frameWidth, 640, 'C stays on the high layer');
  }));
});
