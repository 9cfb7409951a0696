// livekit-server-sdk (Node, JSON Twirp) against a running jsfu, plus its WebhookReceiver.
// Env: LK_URL (ws://127.0.0.1:7880), LK_API_KEY, LK_API_SECRET, and LK_WEBHOOK_PORT: the server must be
// started with webhook {api_key: LK_API_KEY, urls: [http://127.0.0.1:LK_WEBHOOK_PORT/hook]}.
// By hand:
//   java -jar server/target/jsfu-server.jar --dev --config-body "$(printf 'webhook:\n  api_key: devkey\n  urls: [http://127.0.0.1:7899/hook]\n')"
//   LK_URL=ws://127.0.0.1:7880 LK_API_KEY=devkey LK_API_SECRET=secret LK_WEBHOOK_PORT=7899 node --test e2e/tests/server-sdk.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { RoomServiceClient, WebhookReceiver } from 'livekit-server-sdk';

function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`set ${name} (see the header of this file)`);
  return v;
}

const url = env('LK_URL').replace(/^ws/, 'http');
const apiKey = env('LK_API_KEY');
const apiSecret = env('LK_API_SECRET');
const hookPort = Number(env('LK_WEBHOOK_PORT'));
const receiver = new WebhookReceiver(apiKey, apiSecret);
const events = [];
const rejected = [];
let hookServer;

before(async () => {
  hookServer = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', async () => {
      try {
        events.push(await receiver.receive(body, req.headers.authorization));
        res.writeHead(200).end();
      } catch (e) {
        rejected.push(String(e));
        res.writeHead(401).end();
      }
    });
  });
  await new Promise((resolve) => hookServer.listen(hookPort, '127.0.0.1', resolve));
});

after(() => hookServer.close());

async function waitFor(fn, what, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; events: ${events.map((e) => e.event).join(',')}`);
}

test('RoomService over JSON Twirp and signed webhooks', async () => {
  const svc = new RoomServiceClient(url, apiKey, apiSecret);
  const name = `node-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

  const room = await svc.createRoom({ name, emptyTimeout: 120, maxParticipants: 7, metadata: 'm0' });
  assert.match(room.sid, /^RM_[0-9A-Za-z]{12}$/);
  assert.equal(room.name, name);
  assert.equal(room.emptyTimeout, 120);
  assert.equal(room.maxParticipants, 7);
  assert.equal(room.metadata, 'm0');

  const listed = await svc.listRooms([name]);
  assert.equal(listed.length, 1);
  assert.equal(listed[0].sid, room.sid);

  const updated = await svc.updateRoomMetadata(name, 'm1');
  assert.equal(updated.metadata, 'm1');
  assert.deepEqual(await svc.listParticipants(name), []);

  await assert.rejects(svc.getParticipant(name, 'nobody'), (e) => e.status === 404 && e.code === 'not_found');

  await svc.deleteRoom(name);
  assert.equal((await svc.listRooms([name])).length, 0);
  await assert.rejects(svc.deleteRoom(name), (e) => e.status === 404 && e.code === 'not_found');

  await waitFor(() => events.some((e) => e.event === 'room_finished' && e.room?.name === name), 'room_finished');
  assert.deepEqual(rejected, []);
  const mine = events.filter((e) => e.room?.name === name).map((e) => e.event);
  assert.deepEqual(mine, ['room_started', 'room_finished']);
  assert.equal(events.find((e) => e.event === 'room_started' && e.room?.name === name).room.sid, room.sid);
});

test('a wrong secret is refused and grants are enforced', async () => {
  const bad = new RoomServiceClient(url, apiKey, 'not-the-secret-at-all-0123456789');
  await assert.rejects(bad.listRooms(), (e) => e.status === 401);
  const name = `node-admin-${randomBytes(3).toString('hex')}`;
  const svc = new RoomServiceClient(url, apiKey, apiSecret);
  // oversized room name: invalid_argument
  await assert.rejects(svc.createRoom({ name: 'n'.repeat(300) }), (e) => e.status === 400 && e.code === 'invalid_argument');
  await svc.createRoom({ name });
  await svc.deleteRoom(name);
});
