// Codec fallback and track updates end to end (LK_URL, LK_API_KEY, LK_API_SECRET): A publishes its camera
// with publishDefaults.videoCodec 'vp9', then 'av1' (codecs the server does not forward). The JoinResponse's
// enabled_publish_codecs (VP8, H264, opus, red) lead livekit-client to ask for VP8 itself, as with LiveKit
// (the server's own fallback in TrackInfo.codecs is covered by TrackCodecsWsTest), A sends VP8 and B decodes it; the TrackInfo both see says video/VP8. Then A's microphone features change
// (UpdateLocalAudioTrack from the SDK's signal client) and B and RoomService.ListParticipants see them.
// E2E_ROOM (optional) prefixes the room names so a JUnit wrapper can find their webhooks.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RoomServiceClient } from 'livekit-server-sdk';
import { Harness, pollUntil } from '../lib/browser.mjs';
import { joinToken, pageLk, serverFromEnv, tracksFrom, uniqueRoom } from '../lib/lk.mjs';

const seesVideo = (v, moreThan = 0) => v && v.framesDecoded > moreThan && v.frameWidth > 0 && v.frameHeight > 0;
const TF_ECHO_CANCELLATION = 3;
const TF_NOISE_SUPPRESSION = 4;
const TF_ENHANCED_NOISE_CANCELLATION = 5;

describe('codec fallback and track updates', () => {
  const server = serverFromEnv();
  const prefix = process.env.E2E_ROOM || 'codecs';
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

  async function publishFallsBackToVp8(codec) {
    const room = uniqueRoom(`${prefix}-${codec}`);
    await pageLk.join(B, server.url, await joinToken(server, room, 'B'));
    await pageLk.join(A, server.url, await joinToken(server, room, 'A'), { mic: true, camera: true, videoCodec: codec });
    const mine = await pageLk.trackInfos(A);
    const asked = mine.addTrackRequests.find((r) => r.codecs.length > 0);
    assert.ok(asked, `A sent a camera AddTrackRequest: ${JSON.stringify(mine.addTrackRequests)}`);
    // the browser could encode it, but the JoinResponse's enabled_publish_codecs do not list it: the SDK asks for VP8
    assert.equal(asked.codecs[0], 'vp8', `A asked for vp8 instead of ${codec}: ${JSON.stringify(asked)}`);
    const cam = mine.local.find((t) => t.source === 'camera');
    assert.equal(cam.info.codecs[0].mimeType, 'video/VP8', `the server answered with VP8: ${JSON.stringify(cam.info)}`);
    assert.equal(cam.options, 'vp8', 'livekit-client publishes with the server codec');
    const pub = await pollUntil(() => pageLk.publisherStats(A),
      (p) => p && p.layers.length > 0 && p.layers.every((l) => l.codec), { what: "A's camera layers with a codec" });
    assert.ok(pub.layers.every((l) => l.codec === 'video/VP8'), `A sends VP8 on every layer: ${JSON.stringify(pub.layers)}`);
    const s = await pollUntil(() => pageLk.stats(B), (v) => seesVideo(tracksFrom(v, 'A').video, 10),
      { what: `B decoding A's camera published with ${codec}`, timeoutMs: 25000 });
    assert.equal(tracksFrom(s, 'A').video.rtp.codec, 'video/VP8');
    const seen = await pollUntil(() => pageLk.trackInfos(B),
      (x) => x.remote.find((t) => t.identity === 'A' && t.source === 'camera')?.info?.mimeType,
      { what: "B's TrackInfo of A's camera with a MIME type" });
    const remoteCam = seen.remote.find((t) => t.identity === 'A' && t.source === 'camera').info;
    assert.equal(remoteCam.mimeType, 'video/VP8');
    assert.equal(remoteCam.codecs[0].mimeType, 'video/VP8');
    assert.ok(remoteCam.codecs[0].mid, `the codec has its mid: ${JSON.stringify(remoteCam)}`);
    assert.ok(remoteCam.layers.length >= 1, `layers from the AddTrackRequest: ${JSON.stringify(remoteCam)}`);
    console.log(`${codec} -> ${JSON.stringify({ asked, local: cam.info, remote: remoteCam, room })}`);
    return room;
  }

  test('vp9 falls back to VP8; B decodes; the audio track update reaches B and RoomService', async () => {
    try {
      const room = await publishFallsBackToVp8('vp9');
      const features = [TF_ECHO_CANCELLATION, TF_NOISE_SUPPRESSION, TF_ENHANCED_NOISE_CANCELLATION];
      const micSid = await pageLk.sendAudioFeatures(A, 'microphone', features);
      const seen = await pollUntil(() => pageLk.trackInfos(B),
        (x) => JSON.stringify(x.remote.find((t) => t.identity === 'A' && t.source === 'microphone')?.info?.audioFeatures)
          === JSON.stringify(features), { what: "B seeing A's new microphone features" });
      assert.equal(seen.remote.find((t) => t.identity === 'A' && t.source === 'microphone').info.sid, micSid);
      const svc = new RoomServiceClient(server.url.replace(/^ws/, 'http'), server.apiKey, server.apiSecret);
      const a = (await svc.listParticipants(room)).find((p) => p.identity === 'A');
      const mic = a.tracks.find((t) => t.sid === micSid);
      assert.deepEqual([...mic.audioFeatures], features, 'ListParticipants shows the update');
      for (const p of [A, B]) await pageLk.leave(p);
    } catch (e) {
      e.message += `\nbrowser console (tail):\n${h.consoleTail()}`;
      throw e;
    }
  });

  test('av1 falls back to VP8; B decodes', async () => {
    try {
      await publishFallsBackToVp8('av1');
    } catch (e) {
      e.message += `\nbrowser console (tail):\n${h.consoleTail()}`;
      throw e;
    }
  });
});
