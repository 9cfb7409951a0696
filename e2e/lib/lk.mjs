// Server under test (from env) and access tokens made with livekit-server-sdk.
import { AccessToken } from 'livekit-server-sdk';
import { randomBytes } from 'node:crypto';

/** LK_URL (ws://host:port), LK_API_KEY, LK_API_SECRET; throws naming what is missing. */
export function serverFromEnv(env = process.env) {
  const missing = ['LK_URL', 'LK_API_KEY', 'LK_API_SECRET'].filter((k) => !env[k]);
  if (missing.length) {
    throw new Error(`set ${missing.join(', ')} (e.g. LK_URL=ws://127.0.0.1:7880 LK_API_KEY=devkey LK_API_SECRET=secret)`);
  }
  return { url: env.LK_URL, apiKey: env.LK_API_KEY, apiSecret: env.LK_API_SECRET };
}

/** A room name no other test run uses. */
export function uniqueRoom(prefix = 'e2e') {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** A join token for identity in room; grant overrides LiveKit's VideoGrant fields. */
export async function joinToken(server, room, identity, grant = {}, ttl = '10m') {
  const at = new AccessToken(server.apiKey, server.apiSecret, { identity, name: identity, ttl });
  at.addGrant({ roomJoin: true, room, canPublish: true, canSubscribe: true, canPublishData: true, ...grant });
  return at.toJwt();
}

/** page.evaluate wrappers for the window.lk helpers of page/entry.js. */
export const pageLk = {
  join: (page, url, token, opts = {}) => page.evaluate(([u, t, o]) => window.lk.join(u, t, o), [url, token, opts]),
  stats: (page) => page.evaluate(() => window.lk.stats()),
  publisherStats: (page) => page.evaluate(() => window.lk.publisherStats()),
  micAnswerFmtp: (page) => page.evaluate(() => window.lk.micAnswerFmtp()),
  transportPackets: (page, trackSid) => page.evaluate((t) => window.lk.transportPackets(t), trackSid),
  subscriberTransceivers: (page) => page.evaluate(() => window.lk.subscriberTransceivers()),
  setSubscribed: (page, identity, source, on) => page.evaluate(([i, s, o]) => window.lk.setSubscribed(i, s, o), [identity, source, on]),
  setVideoView: (page, identity, source, view) => page.evaluate(([i, s, v]) => window.lk.setVideoView(i, s, v), [identity, source, view]),
  publishScreenShare: (page, opts = {}) => page.evaluate((o) => window.lk.publishScreenShare(o), opts),
  setMicMuted: (page, muted) => page.evaluate((m) => window.lk.setMicMuted(m), muted),
  sendData: (page, text, opts = {}) => page.evaluate(([t, o]) => window.lk.sendData(t, o), [text, opts]),
  registerEcho: (page, method) => page.evaluate((m) => window.lk.registerEcho(m), method),
  performRpc: (page, dest, method, payload) => page.evaluate(([d, m, p]) => window.lk.performRpc(d, m, p), [dest, method, payload]),
  receiveTexts: (page, topic) => page.evaluate((t) => window.lk.receiveTexts(t), topic),
  sendText: (page, text, opts = {}) => page.evaluate(([t, o]) => window.lk.sendText(t, o), [text, opts]),
  trackInfos: (page) => page.evaluate(() => window.lk.trackInfos()),
  sendAudioFeatures: (page, source, features) => page.evaluate(([s, f]) => window.lk.sendAudioFeatures(s, f), [source, features]),
  leave: (page) => page.evaluate(() => window.lk.leave()),
  simulate: (page, scenario, arg) => page.evaluate(([s, a]) => window.lk.simulate(s, a), [scenario, arg]),
  simulateSubscriberFailure: (page) => page.evaluate(() => window.lk.simulateSubscriberFailure()),
  iceInfo: (page) => page.evaluate(() => window.lk.iceInfo()),
};

/** After a failure: prints each named page's peer connection states and the browser console's tail. */
export async function printPageStates(harness, named) {
  for (const [name, page] of Object.entries(named)) {
    const st = await page.evaluate(() => window.lk.pcStates()).catch((x) => x.message);
    console.error(`${name} peer connections: ${JSON.stringify(st)}`);
  }
  console.error(`browser console (tail):\n${harness.consoleTail(80)}`);
}

/** The audio / video entries a subscriber's stats() holds for one remote identity. */
export function tracksFrom(stats, identity) {
  return {
    audio: stats.audio.find((a) => a.identity === identity),
    video: stats.video.find((v) => v.identity === identity),
  };
}

/** A remote identity's track of one source ('microphone', 'camera', 'screen_share', 'screen_share_audio'). */
export function trackBySource(stats, identity, source) {
  return [...stats.audio, ...stats.video].find((t) => t.identity === identity && t.source === source);
}

export function sawEvent(stats, type, fields = {}) {
  return stats.events.some((e) => e.type === type && Object.entries(fields).every(([k, v]) => e[k] === v));
}
