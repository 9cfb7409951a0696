// Track egress scenario driven for EgressE2ETest (Java asserts on the files): the room (EGRESS_ROOM) was
// created with AutoTrackEgress. A publishes the 440 Hz tone for 15 s; B joins 3 s later and publishes too;
// both mute for 4 s in the middle (5.5-9.5 s; each page's own mute instant is recorded, so the test checks
// that the files align by key time); both leave 15 s after A started. Wall-clock instants go to EGRESS_TIMELINE as JSON.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { Harness, pollUntil } from '../lib/browser.mjs';
import { joinToken, pageLk, serverFromEnv } from '../lib/lk.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('track egress: two publishers, a shared mute', () => {
  const server = serverFromEnv();
  const room = process.env.EGRESS_ROOM;
  const out = process.env.EGRESS_TIMELINE;
  let h;
  let A;
  let B;

  before(async () => {
    assert.ok(room && out, 'set EGRESS_ROOM and EGRESS_TIMELINE');
    h = await Harness.start({ toneHz: 440 });
    [A, B] = await h.openPages(2);
  });

  after(async () => {
    for (const p of [A, B]) if (p) await pageLk.leave(p).catch(() => {});
    if (h) await h.close();
  });

  // EGRESS_SCENARIO=short: A alone publishes mic and camera for 2 s and leaves (failing upload; no video egress).
  // EGRESS_SCENARIO=resume: A publishes its mic; after 2 s its signalling WebSocket closes for 3 s and A
  // resumes (same sid); A leaves 2 s later. The recording must be one file with the tone throughout.
  const scenario = process.env.EGRESS_SCENARIO;
  const short = scenario === 'short';

  if (scenario === 'resume') {
    test('A publishes, loses its signalling for 3 s, resumes and leaves', () => resumeRun());
  } else {
    test(short ? 'A publishes 2 s and leaves' : 'publish, mute together, leave', () => (short ? shortRun() : fullRun()));
  }

  async function resumeRun() {
    const t = { aJoinStart: Date.now() };
    const { sid } = await pageLk.join(A, server.url, await joinToken(server, room, 'alice'), { mic: true });
    t.aPublished = Date.now();
    await sleep(2000);
    t.outageStart = Date.now();
    await pageLk.simulate(A, 'signal-reconnect', 3000);
    const s = await pollUntil(() => pageLk.stats(A), (x) => x.events.some((e) => e.type === 'reconnected'),
      { what: 'alice resumed', timeoutMs: 20000 });
    t.resumed = Date.now();
    assert.equal(s.local.sid, sid, 'resumed with the same sid, not rejoined');
    await sleep(2000);
    t.leaveStart = Date.now();
    await pageLk.leave(A);
    await writeFile(out, JSON.stringify(t));
  }

  async function shortRun() {
    const t = { aJoinStart: Date.now() };
    await pageLk.join(A, server.url, await joinToken(server, room, 'alice'), { mic: true, camera: true });
    t.aPublished = Date.now();
    await sleep(2000);
    t.leaveStart = Date.now();
    await pageLk.leave(A);
    await writeFile(out, JSON.stringify(t));
  }

  async function fullRun() {
    const t = {};
    t.aJoinStart = Date.now();
    await pageLk.join(A, server.url, await joinToken(server, room, 'alice'), { mic: true });
    t.aPublished = Date.now();
    await sleep(3000);
    t.bJoinStart = Date.now();
    await pageLk.join(B, server.url, await joinToken(server, room, 'bob'), { mic: true });
    t.bPublished = Date.now();
    // B gets at least 2.5 s of tone before the mute even when its join is slow on a loaded machine
    await sleep(Math.max(0, t.aPublished + 5500 - Date.now(), t.bPublished + 2500 - Date.now()));
    t.muteStart = Date.now();
    const muted = await Promise.all([timedMute(A, true), timedMute(B, true)]);
    t.muteEnd = Date.now();
    assert.deepEqual(muted.map((m) => m.muted), [true, true]);
    t.muteAt = { alice: muted[0].at, bob: muted[1].at };
    await sleep(4000);
    t.unmuteStart = Date.now();
    const unmuted = await Promise.all([timedMute(A, false), timedMute(B, false)]);
    t.unmuteEnd = Date.now();
    assert.deepEqual(unmuted.map((m) => m.muted), [false, false]);
    t.unmuteAt = { alice: unmuted[0].at, bob: unmuted[1].at };
    await sleep(Math.max(0, t.aPublished + 15000 - Date.now(), t.unmuteEnd + 2500 - Date.now()));
    t.leaveStart = Date.now();
    await Promise.all([pageLk.leave(A), pageLk.leave(B)]);
    t.leaveEnd = Date.now();
    await writeFile(out, JSON.stringify(t));
  }
});

/**
 * Mutes or unmutes the page's microphone and returns the page's wall-clock time just before (the two pages of
 * a Promise.all are not reached at the same instant on a loaded machine; the alignment check compares each
 * file with its own page's time).
 */
function timedMute(page, muted) {
  return page.evaluate(async (m) => {
    const at = Date.now();
    return { at, muted: await window.lk.setMicMuted(m) };
  }, muted);
}
