// Data channels against a running server (LK_URL, LK_API_KEY, LK_API_SECRET): real livekit-client in
// Chromium. A, B and C join; B's chat message (reliable, topic) reaches A and C with B's identity; a
// lossy packet arrives; C's packet for A only reaches A and not B; a 60 KiB message; RPC A -> B; a
// text stream on lk.chat; RoomService.SendData reaches A and B.
// With E2E_ROOM and E2E_SERVER_DATA_TEXT set (DataChannelE2ETest), the room is E2E_ROOM and the Kotlin
// server SDK sends a packet with that text; otherwise this test sends one with livekit-server-sdk.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, pollUntil } from '../lib/browser.mjs';
import { DataPacket_Kind, RoomServiceClient } from 'livekit-server-sdk';
import { joinToken, pageLk, serverFromEnv, uniqueRoom } from '../lib/lk.mjs';
import { scenarioSteps } from '../lib/steps.mjs';

const RELIABLE = 0;
const LOSSY = 1;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('data channels: chat, lossy, destinations, server SendData', () => {
  const server = serverFromEnv();
  const room = process.env.E2E_ROOM || uniqueRoom('data');
  const externalServerText = process.env.E2E_SERVER_DATA_TEXT;
  const serverText = externalServerText || 'from the server sdk';
  let h;
  let A;
  let B;
  let C;

  before(async () => {
    h = await Harness.start({});
    [A, B, C] = await h.openPages(3);
  });

  after(async () => {
    for (const p of [A, B, C]) if (p) await pageLk.leave(p).catch(() => {});
    if (h) await h.close();
  });

  // sequential scenario: after a failed step the later ones report it at once
  const withConsole = scenarioSteps(() => h);

  const received = async (page, text) => (await pageLk.stats(page)).data.filter((d) => d.text === text);

  test('A, B and C join', () => withConsole(async () => {
    for (const [name, page] of [['A', A], ['B', B], ['C', C]]) {
      const j = await pageLk.join(page, server.url, await joinToken(server, room, name));
      assert.equal(j.identity, name);
    }
  }));

  test('chat from B (reliable, topic) reaches A and C with B as sender', () => withConsole(async () => {
    await pageLk.sendData(B, 'hello from B', { topic: 'chat' });
    for (const [name, page] of [['A', A], ['C', C]]) {
      const s = await pollUntil(() => pageLk.stats(page), (v) => v.data.some((d) => d.text === 'hello from B'),
        { what: `data at ${name}`, timeoutMs: 20000 });
      const d = s.data.find((x) => x.text === 'hello from B');
      assert.equal(d.identity, 'B');
      assert.equal(d.topic, 'chat');
      assert.equal(d.kind, RELIABLE);
    }
    assert.equal((await received(B, 'hello from B')).length, 0, 'not echoed to the sender');
  }));

  test('lossy from B reaches A and C', () => withConsole(async () => {
    // Unordered, no retransmissions: on loopback it arrives; resend a few times to stay robust.
    for (let i = 0; i < 5; i++) {
      await pageLk.sendData(B, 'lossy from B', { reliable: false, topic: 'lossy' });
      await sleep(500);
      if ((await received(A, 'lossy from B')).length && (await received(C, 'lossy from B')).length) break;
    }
    for (const [name, page] of [['A', A], ['C', C]]) {
      const [d] = await received(page, 'lossy from B');
      assert.ok(d, `lossy data at ${name}`);
      assert.equal(d.identity, 'B');
      assert.equal(d.kind, LOSSY);
    }
  }));

  test('C to A only: A receives it, B does not', () => withConsole(async () => {
    await pageLk.sendData(C, 'only for A', { topic: 'dm', destinationIdentities: ['A'] });
    const s = await pollUntil(() => pageLk.stats(A), (v) => v.data.some((d) => d.text === 'only for A'),
      { what: 'direct data at A', timeoutMs: 20000 });
    assert.equal(s.data.find((d) => d.text === 'only for A').identity, 'C');
    // B's and C's own reliable channels are in the same state as A's; give a stray packet time to land.
    await pageLk.sendData(C, 'for everyone after the dm', {});
    await pollUntil(() => pageLk.stats(B), (v) => v.data.some((d) => d.text === 'for everyone after the dm'),
      { what: 'broadcast after the dm at B', timeoutMs: 20000 });
    assert.equal((await received(B, 'only for A')).length, 0, 'B must not get the dm');
  }));

  test('a 60 KiB message from A reaches B intact (SCTP fragmentation both ways)', () => withConsole(async () => {
    const big = 'big:' + 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(1707).slice(0, 60 * 1024 - 4);
    await pageLk.sendData(A, big, { topic: 'big' });
    const s = await pollUntil(() => pageLk.stats(B), (v) => v.data.some((d) => d.topic === 'big'),
      { what: 'the big message at B', timeoutMs: 20000 });
    const d = s.data.find((x) => x.topic === 'big');
    assert.equal(d.text.length, big.length);
    assert.equal(d.text, big);
    assert.equal(d.identity, 'A');
  }));

  test('RPC: A calls B, B answers; an unknown method fails', () => withConsole(async () => {
    await pageLk.registerEcho(B, 'echo');
    assert.equal(await pageLk.performRpc(A, 'B', 'echo', 'ping'), 'echo:A:ping');
    const err = await pageLk.performRpc(A, 'B', 'nope', 'x');
    assert.match(err.error, /1400|Method not supported/i);
  }));

  test('chat as a text stream on lk.chat from C reaches A and B', () => withConsole(async () => {
    await pageLk.receiveTexts(A, 'lk.chat');
    await pageLk.receiveTexts(B, 'lk.chat');
    await pageLk.sendText(C, 'chat text from C', { topic: 'lk.chat' });
    for (const [name, page] of [['A', A], ['B', B]]) {
      const s = await pollUntil(() => pageLk.stats(page), (v) => v.texts.some((t) => t.text === 'chat text from C'),
        { what: `text stream at ${name}`, timeoutMs: 20000 });
      assert.equal(s.texts.find((t) => t.text === 'chat text from C').identity, 'C');
    }
  }));

  test('RoomService.SendData from a server SDK reaches A and B', () => withConsole(async () => {
      if (!externalServerText) {
        const svc = new RoomServiceClient(server.url.replace(/^ws/, 'http'), server.apiKey, server.apiSecret);
        await svc.sendData(room, new TextEncoder().encode(serverText), DataPacket_Kind.RELIABLE, { topic: 'server' });
      }
      for (const [name, page] of [['A', A], ['B', B]]) {
        const s = await pollUntil(() => pageLk.stats(page), (v) => v.data.some((d) => d.text === serverText),
          { what: `server data at ${name}`, timeoutMs: 30000 });
        const d = s.data.find((x) => x.text === serverText);
        assert.equal(d.topic, 'server');
        assert.equal(d.identity, undefined, 'sent by the server, not a participant');
      }
    }));
});
