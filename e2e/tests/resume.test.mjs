// livekit-client's resume against the server (livekit-protocol.md 2.8): A publishes its 440 Hz mic and B
// hears it. A's signalling WebSocket is closed (room.simulateScenario('signal-reconnect', delay)): A keeps
// its sid, B never sees A leave and keeps hearing A during and after the outage. While A's signal is down
// a second time, C joins and publishes; after the resume A receives C's track (the subscriber offer held
// back during the outage is sent afresh, on the subscriber PC the server ICE-restarts on every resume:
// C's audio reaches A over the new ICE generation). Also records what Chromium does with the server's answer to
// the publisher's ICE-restart offer (E2E_REPORT lines).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, pollUntil } from '../lib/browser.mjs';
import { joinToken, pageLk, sawEvent, serverFromEnv, tracksFrom, uniqueRoom } from '../lib/lk.mjs';
import { scenarioSteps } from '../lib/steps.mjs';

const hearsTone = (a) => a && a.rms > 0.02 && Math.abs(a.peakHz - 440) <= 15;
const packets = (s, who) => tracksFrom(s, who).audio?.rtp?.packetsReceived ?? 0;
const count = (s, type) => s.events.filter((e) => e.type === type).length;

describe('signal resume', () => {
  const server = serverFromEnv();
  const room = process.env.E2E_ROOM || uniqueRoom('resume');
  let h;
  let A;
  let B;
  let C;
  let sidA;

  before(async () => {
    h = await Harness.start({ toneHz: 440 });
    [A, B, C] = await h.openPages(3);
  });

  after(async () => {
    for (const p of [A, B, C]) if (p) await pageLk.leave(p).catch(() => {});
    if (h) await h.close();
  });

  // sequential scenario: after a failed step the later ones report it at once
  const withConsole = scenarioSteps(() => h, 60);

  /** Resumes A after `delayMs` of signal outage; `during` runs while A's signal is down. */
  async function resumeA(delayMs, during) {
    const before = await pageLk.stats(A);
    const reconnectedBefore = count(before, 'reconnected');
    const iceBefore = await pageLk.iceInfo(A);
    await pageLk.simulate(A, 'signal-reconnect', delayMs);
    // media keeps flowing while A has no signalling: B's packet count from A grows by a second's worth
    const p0 = packets(await pageLk.stats(B), 'A');
    await pollUntil(() => pageLk.stats(B), (s) => packets(s, 'A') > p0 + 50,
      { what: 'audio from A reaching B during the outage', timeoutMs: Math.max(3000, delayMs) });
    assert.equal(count(await pageLk.stats(A), 'reconnected'), reconnectedBefore,
      'A already reconnected: the outage was shorter than the check');
    if (during) await during(reconnectedBefore);
    const after = await pollUntil(() => pageLk.stats(A), (s) => count(s, 'reconnected') > reconnectedBefore,
      { what: 'A reconnected', timeoutMs: delayMs + 20000 });
    assert.equal(after.state, 'connected');
    assert.ok(count(after, 'signalReconnecting') + count(after, 'reconnecting') > count(before, 'signalReconnecting')
      + count(before, 'reconnecting'), 'A reported reconnecting');
    assert.equal(after.local.sid, sidA, 'A resumed with its sid (no full rejoin)');
    // the publisher's ICE restart completes: the selected pair belongs to the new generation (its local
    // candidate carries the new ufrag), i.e. the server answered the new generation's checks
    const iceAfter = await pollUntil(() => pageLk.iceInfo(A),
      (i) => i.publisher?.localUfrag !== iceBefore.publisher.localUfrag
        && i.publisher?.selectedUfrag === i.publisher?.localUfrag,
      { what: "A's publisher PC on its restarted ICE generation", timeoutMs: 10000 });
    console.log(`E2E_REPORT ice before=${JSON.stringify(iceBefore)} after=${JSON.stringify(iceAfter)}`);
    assert.equal(iceAfter.publisher.conn, 'connected');
    assert.notEqual(iceAfter.publisher.remoteUfrag, iceBefore.publisher.remoteUfrag,
      "the server's answer to the restart offer carries new credentials (RFC 8839)");
    // as LiveKit's server, ours ICE-restarts A's subscriber PC on every resume (a resume usually follows a
    // network change, and only the offerer can restart that PC): our offer carries new credentials, A's
    // answer too, and the selected pair moves to the new generation
    const subAfter = await pollUntil(() => pageLk.iceInfo(A),
      (i) => i.subscriber?.remoteUfrag !== iceBefore.subscriber.remoteUfrag
        && i.subscriber?.localUfrag !== iceBefore.subscriber.localUfrag
        && i.subscriber?.selectedUfrag === i.subscriber?.localUfrag,
      { what: "A's subscriber PC ICE-restarted by the server after a plain signal reconnect", timeoutMs: 10000 });
    console.log(`E2E_REPORT subscriber ice on resume before=${JSON.stringify(iceBefore.subscriber)} after=${JSON.stringify(subAfter.subscriber)}`);
    assert.equal(subAfter.subscriber.conn, 'connected');
    return after;
  }

  test('A publishes; B hears A', () => withConsole(async () => {
    await pageLk.join(B, server.url, await joinToken(server, room, 'B'));
    sidA = (await pageLk.join(A, server.url, await joinToken(server, room, 'A'), { mic: true })).sid;
    await pollUntil(() => pageLk.stats(B), (s) => hearsTone(tracksFrom(s, 'A').audio),
      { what: "B hearing A's tone", timeoutMs: 20000 });
  }));

  test('A resumes after a 2 s signal outage; B keeps hearing A and never sees A leave', () => withConsole(async () => {
    await resumeA(2000);
    const p0 = packets(await pageLk.stats(B), 'A');
    const b = await pollUntil(() => pageLk.stats(B), (s) => packets(s, 'A') > p0 + 50 && hearsTone(tracksFrom(s, 'A').audio),
      { what: 'B hearing A after the resume', timeoutMs: 10000 });
    assert.ok(!sawEvent(b, 'participantDisconnected', { identity: 'A' }), 'B saw A leave');
    assert.equal(b.remote.find((p) => p.identity === 'A')?.sid, sidA);
  }));

  test('C publishes while A is away; after its resume A hears C', () => withConsole(async () => {
    await resumeA(8000, async (reconnectedBefore) => {
      await pageLk.join(C, server.url, await joinToken(server, room, 'C'), { mic: true });
      await pollUntil(() => pageLk.stats(B), (s) => hearsTone(tracksFrom(s, 'C').audio),
        { what: "B hearing C's tone", timeoutMs: 15000 });
      assert.equal(count(await pageLk.stats(A), 'reconnected'), reconnectedBefore,
        'C was published only after A had resumed');
    });
    const a = await pollUntil(() => pageLk.stats(A), (s) => hearsTone(tracksFrom(s, 'C').audio),
      { what: "A hearing C's tone after the resume", timeoutMs: 15000 });
    assert.ok(sawEvent(a, 'participantConnected', { identity: 'C' }), 'A learnt that C joined');
    const b = await pageLk.stats(B);
    assert.ok(!sawEvent(b, 'participantDisconnected', { identity: 'A' }), 'B saw A leave');
    assert.ok(hearsTone(tracksFrom(b, 'A').audio), 'B still hears A');
  }));

  test("A resumes after its subscriber PC 'failed': the server ICE-restarts the subscriber PC", () => withConsole(async () => {
    const before = await pageLk.stats(A);
    const iceBefore = await pageLk.iceInfo(A);
    await pageLk.simulateSubscriberFailure(A);
    const after = await pollUntil(() => pageLk.stats(A), (s) => count(s, 'reconnected') > count(before, 'reconnected'),
      { what: 'A reconnected', timeoutMs: 20000 });
    assert.equal(after.local.sid, sidA, 'A resumed with its sid (no full rejoin)');
    // our offer carried new credentials, A's answer too, and the new generation carries the media
    const ice = await pollUntil(() => pageLk.iceInfo(A),
      (i) => i.subscriber?.remoteUfrag !== iceBefore.subscriber.remoteUfrag
        && i.subscriber?.localUfrag !== iceBefore.subscriber.localUfrag
        && i.subscriber?.selectedUfrag === i.subscriber?.localUfrag,
      { what: "A's subscriber PC on a restarted ICE generation", timeoutMs: 10000 });
    console.log(`E2E_REPORT subscriber ice before=${JSON.stringify(iceBefore)} after=${JSON.stringify(ice)}`);
    const c0 = packets(await pageLk.stats(A), 'C');
    await pollUntil(() => pageLk.stats(A), (s) => packets(s, 'C') > c0 + 50 && hearsTone(tracksFrom(s, 'C').audio),
      { what: 'A hearing C after the subscriber restart', timeoutMs: 10000 });
    const b = await pageLk.stats(B);
    assert.ok(!sawEvent(b, 'participantDisconnected', { identity: 'A' }), 'B saw A leave');
  }));
});
