// H264 end to end (LK_URL, LK_API_KEY, LK_API_SECRET): A publishes its camera with
// publishDefaults.videoCodec 'h264' (simulcast on, the SDK default) and a tone; B decodes H264 at a
// real frame size, the server having kept the offered payload type and its fmtp (packetization-mode=1,
// a constrained-baseline profile-level-id) and started B on a keyframe.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, pollUntil } from '../lib/browser.mjs';
import { joinToken, pageLk, serverFromEnv, tracksFrom, uniqueRoom } from '../lib/lk.mjs';

const seesVideo = (v, moreThan = 0) => v && v.framesDecoded > moreThan && v.frameWidth > 0 && v.frameHeight > 0;

describe('H264 publisher', () => {
  const server = serverFromEnv();
  const room = uniqueRoom('h264');
  let h;
  let A;
  let B;

  before(async () => {
    h = await Harness.start({ toneHz: 440 });
    [A, B] = await h.openPages(2);
  });

  after(async () => {
    for (const p of [A, B]) if (p) await pageLk.leave(p).catch(() => {});
    if (h) await h.close();
  });

  test('A publishes H264 simulcast; B decodes H264 frames', async () => {
    try {
      await pageLk.join(B, server.url, await joinToken(server, room, 'B'));
      await pageLk.join(A, server.url, await joinToken(server, room, 'A'), { mic: true, camera: true, videoCodec: 'h264' });
      // A's browser sends H264 on every simulcast layer (what the answer chose)
      const pub = await pollUntil(() => pageLk.publisherStats(A),
        (p) => p && p.layers.length > 0 && p.layers.every((l) => l.codec), { what: "A's camera layers with a codec" });
      console.log('A layers', JSON.stringify(pub.layers));
      assert.ok(pub.layers.every((l) => l.codec === 'video/H264'), `A sends H264 on every layer: ${JSON.stringify(pub.layers)}`);
      const s = await pollUntil(() => pageLk.stats(B), (v) => seesVideo(tracksFrom(v, 'A').video),
        { what: "B decoding A's H264 camera", timeoutMs: 25000 });
      const v = tracksFrom(s, 'A').video;
      console.log('h264 at B', JSON.stringify({ codec: v.rtp.codec, fmtp: v.rtp.fmtp, pt: v.rtp.payloadType, w: v.frameWidth, h: v.frameHeight }));
      assert.equal(v.rtp.codec, 'video/H264');
      assert.match(v.rtp.fmtp, /packetization-mode=1/);
      assert.match(v.rtp.fmtp, /profile-level-id=42[e0]01f/);
      const n = v.framesDecoded;
      const later = await pollUntil(() => pageLk.stats(B), (x) => seesVideo(tracksFrom(x, 'A').video, n + 30),
        { what: 'H264 framesDecoded growing at B' });
      assert.equal(tracksFrom(later, 'A').video.rtp.codec, 'video/H264');
      // the switch up to the 640x360 layer waits for an H264 IDR on it (keyframe gating, H264.java)
      const high = await pollUntil(() => pageLk.stats(B), (x) => tracksFrom(x, 'A').video?.frameWidth === 640,
        { what: "B decoding A's 640x360 H264 layer", timeoutMs: 30000 });
      const m = tracksFrom(high, 'A').video.framesDecoded;
      await pollUntil(() => pageLk.stats(B), (x) => seesVideo(tracksFrom(x, 'A').video, m + 30),
        { what: 'H264 frames growing on the 640x360 layer' });
      // the published TrackInfo names the codec that was negotiated
      const remoteA = later.remote.find((p) => p.identity === 'A');
      const cam = remoteA.tracks.find((t) => t.source === 'camera');
      assert.equal(cam.mimeType?.toLowerCase(), 'video/h264');
    } catch (e) {
      e.message += `\nbrowser console (tail):\n${h.consoleTail()}`;
      throw e;
    }
  });
});
