// Track egress scenario driven for EgressE2ETest (Java asserts on the files): the room (EGRESS_ROOM) was
// created with AutoTrackEgress. A publishes the 440 Hz tone; B joins 3 s later and publishes too; both
// mute at the same instant for 4 s (the shared edge lets the test check that the files align by key
// time); both leave ~12 s after A started. Wall-clock instants go to EGRESS_TIMELINE as JSON.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { Harness } from '../lib/browser.mjs';
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
  const short = process.env.EGRESS_SCENARIO === 'short';

  test(short ? 'A publishes 2 s and leaves' : 'publish, mute together, leave', () => (short ? shortRun() : fullRun()));

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
    await sleep(Math.max(0, t.aPublished + 5000 - Date.now()));
    t.muteStart = Date.now();
    const muted = await Promise.all([pageLk.setMicMuted(A, true), pageLk.setMicMuted(B, true)]);
    t.muteEnd = Date.now();
    assert.deepEqual(muted, [true, true]);
    await sleep(4000);
    t.unmuteStart = Date.now();
    const unmuted = await Promise.all([pageLk.setMicMuted(A, false), pageLk.setMicMuted(B, false)]);
    t.unmuteEnd = Date.now();
    assert.deepEqual(unmuted, [false, false]);
    await sleep(Math.max(0, t.aPublished + 12000 - Date.now()));
    t.leaveStart = Date.now();
    await Promise.all([pageLk.leave(A), pageLk.leave(B)]);
    t.leaveEnd = Date.now();
    await writeFile(out, JSON.stringify(t));
  }
});
