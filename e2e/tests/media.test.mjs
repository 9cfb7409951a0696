// Media plane against a running server (LK_URL, LK_API_KEY, LK_API_SECRET): real livekit-client in
// Chromium. A publishes mic (a 440 Hz tone) and camera; B hears the tone and decodes the video; C joins
// late and gets both; A mutes and unmutes; A leaves. RTCP: A's send-side estimate rises on the server's
// transport-cc feedback, A's browser reads our receiver reports and B's our sender reports.
// (Data channels: data.test.mjs.) E2E_ROOM (optional) names the room so a JUnit wrapper can find its webhooks.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, pollUntil } from '../lib/browser.mjs';
import { joinToken, pageLk, sawEvent, serverFromEnv, tracksFrom, uniqueRoom } from '../lib/lk.mjs';
import { scenarioSteps } from '../lib/steps.mjs';

const TONE_HZ = 440;
const FREQ_TOLERANCE_HZ = 15;
const MIN_RMS = 0.02;
const BWE_TARGET_BPS = 500_000;

const hearsTone = (a) => a && a.rms > MIN_RMS && Math.abs(a.peakHz - TONE_HZ) <= FREQ_TOLERANCE_HZ;
const seesVideo = (v, moreThan = 0) => v && v.framesDecoded > moreThan && v.frameWidth > 0 && v.frameHeight > 0;

describe('media plane: one publisher, two subscribers', () => {
  const server = serverFromEnv();
  const room = process.env.E2E_ROOM || uniqueRoom('media');
  let h;
  let A;
  let B;
  let C;

  before(async () => {
    h = await Harness.start({ toneHz: TONE_HZ });
    [A, B, C] = await h.openPages(3);
  });

  after(async () => {
    for (const p of [A, B, C]) if (p) await pageLk.leave(p).catch(() => {});
    if (h) await h.close();
  });

  // sequential scenario: after a failed step the later ones report it at once
  const withConsole = scenarioSteps(() => h);

  test('A publishes mic and camera; B hears ~440 Hz and decodes video', () => withConsole(async () => {
    await pageLk.join(B, server.url, await joinToken(server, room, 'B'));
    const joinedA = await pageLk.join(A, server.url, await joinToken(server, room, 'A'), { mic: true, camera: true });
    assert.equal(joinedA.identity, 'A');
    const stats = await pollUntil(() => pageLk.stats(B), (s) => hearsTone(tracksFrom(s, 'A').audio),
      { what: `B hearing A's ${TONE_HZ} Hz tone`, timeoutMs: 20000 });
    assert.ok(sawEvent(stats, 'participantConnected', { identity: 'A' }), 'B saw A connect');
    const first = await pollUntil(() => pageLk.stats(B), (s) => seesVideo(tracksFrom(s, 'A').video),
      { what: "B decoding A's camera", timeoutMs: 20000 });
    const n = tracksFrom(first, 'A').video.framesDecoded;
    await pollUntil(() => pageLk.stats(B), (s) => seesVideo(tracksFrom(s, 'A').video, n + 15),
      { what: 'framesDecoded growing at B' });
  }));

  // Chrome starts its send-side estimate near 300 kbps and raises it only on transport-cc feedback
  // (which the server sends for A's publisher PC); the h360 camera wants ~600 kbps (450k + 150k layers).
  test("A's send-side estimate rises on the server's transport-cc feedback; B gets the 640x360 layer", () => withConsole(async () => {
    const t0 = Date.now();
    const seen = [];
    const a = await pollUntil(async () => {
      const s = await pageLk.publisherStats(A);
      const sample = `${Math.round((Date.now() - t0) / 1000)}s:${Math.round((s?.availableOutgoingBitrate ?? 0) / 1000)}k`;
      if (!seen.length || seen[seen.length - 1].split(':')[0] !== sample.split(':')[0]) seen.push(sample);
      return s;
    }, (s) => s && s.availableOutgoingBitrate > BWE_TARGET_BPS,
    { what: `A's availableOutgoingBitrate above ${BWE_TARGET_BPS / 1000} kbps`, timeoutMs: 30000 });
    console.log('bwe', seen.join(' '), JSON.stringify(a.layers));
    // A's browser parsed the server's receiver reports: loss and a round trip from LSR/DLSR per layer
    const rr = await pollUntil(() => pageLk.publisherStats(A),
      (s) => s.receiverReports.length >= 2 && s.receiverReports.every((r) => r.roundTripTimeMeasurements > 0),
      { what: "remote-inbound-rtp (from our RRs) with round trips at A's camera", timeoutMs: 10000 });
    console.log('rr', JSON.stringify(rr.receiverReports));
    await pollUntil(() => pageLk.stats(B), (s) => tracksFrom(s, 'A').video?.frameWidth === 640,
      { what: "B decoding A's 640x360 layer", timeoutMs: 10000 });
    // B's browser parsed the server's sender reports for both tracks (remote-outbound-rtp stats)
    const b = await pollUntil(() => pageLk.stats(B), (s) => {
      const t = tracksFrom(s, 'A');
      return t.video?.rtp?.srReportsSent > 1 && t.audio?.rtp?.srReportsSent > 1;
    }, { what: 'remote-outbound-rtp (from our SRs) at B for audio and video', timeoutMs: 10000 });
    const { audio, video } = tracksFrom(b, 'A');
    console.log('sr', JSON.stringify({ audio: audio.rtp, video: video.rtp }));
    for (const t of [audio, video]) {
      // an SR counts what was sent up to its time, at most a second before what B counts now
      assert.ok(t.rtp.srPacketsSent > 0 && t.rtp.srPacketsSent <= t.rtp.packetsReceived, `${t.rtp.kind}: SR packet count`);
      assert.ok(t.rtp.srBytesSent > 0 && t.rtp.srBytesSent <= t.rtp.bytesReceived, `${t.rtp.kind}: SR octet count`);
    }
  }));

  test('C joins late and gets audio and video', () => withConsole(async () => {
    await pageLk.join(C, server.url, await joinToken(server, room, 'C'));
    const s = await pollUntil(() => pageLk.stats(C), (v) => hearsTone(tracksFrom(v, 'A').audio) && seesVideo(tracksFrom(v, 'A').video),
      { what: "C hearing A's tone and decoding A's camera", timeoutMs: 20000 });
    assert.deepEqual(s.remote.map((p) => p.identity).sort(), ['A', 'B']);
  }));

  test('B sees A among the active speakers', () => withConsole(async () => {
    await pollUntil(() => pageLk.stats(B), (s) => s.events.some((e) => e.type === 'activeSpeakersChanged' && e.speakers.includes('A')),
      { what: 'ActiveSpeakersChanged with A at B', timeoutMs: 10000 });
  }));

  test('A mutes: B sees TrackMuted and silence; A unmutes: TrackUnmuted and the tone again', () => withConsole(async () => {
    assert.equal(await pageLk.setMicMuted(A, true), true);
    await pollUntil(() => pageLk.stats(B), (s) => sawEvent(s, 'trackMuted', { identity: 'A', kind: 'audio' }),
      { what: 'TrackMuted for A at B' });
    await pollUntil(() => pageLk.stats(B), (s) => (tracksFrom(s, 'A').audio?.rms ?? 1) < 0.005,
      { what: 'silence at B while A is muted' });
    assert.equal(await pageLk.setMicMuted(A, false), false);
    await pollUntil(() => pageLk.stats(B), (s) => sawEvent(s, 'trackUnmuted', { identity: 'A', kind: 'audio' }),
      { what: 'TrackUnmuted for A at B' });
    await pollUntil(() => pageLk.stats(B), (s) => hearsTone(tracksFrom(s, 'A').audio), { what: 'the tone again at B' });
  }));

  test('A leaves: B sees ParticipantDisconnected and loses the tracks', () => withConsole(async () => {
    await pageLk.leave(A);
    const s = await pollUntil(() => pageLk.stats(B), (v) => sawEvent(v, 'participantDisconnected', { identity: 'A' }),
      { what: 'ParticipantDisconnected for A at B' });
    assert.ok(!s.remote.some((p) => p.identity === 'A'));
    await pollUntil(() => pageLk.stats(B), (v) => !tracksFrom(v, 'A').audio && !tracksFrom(v, 'A').video,
      { what: "A's tracks gone at B" });
  }));
});
