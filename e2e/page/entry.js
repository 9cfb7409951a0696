// Page script driven by Playwright: window.lk joins a LiveKit room with the real livekit-client and
// reports what it receives. Everything returned is plain JSON so page.evaluate can carry it.
import { Room, RoomEvent, Track, VideoPresets, VideoQuality, setLogLevel, version as sdkVersion } from 'livekit-client';
import { attachAnalyser, attachVideoSink, inboundRtp, RAW_AUDIO, selectedPair } from './measure.js';
import { loopback } from './loopback.js';
import { startScreenAudio } from './screen.js';

// ?lkdebug=1 (JSFU_E2E_LK_DEBUG in lib/browser.mjs): livekit-client debug logs in the console.
if (new URLSearchParams(location.search).get('lkdebug')) setLogLevel('debug');

const EVENTS = [
  RoomEvent.ParticipantConnected, RoomEvent.ParticipantDisconnected, RoomEvent.TrackPublished,
  RoomEvent.TrackUnpublished, RoomEvent.TrackSubscribed, RoomEvent.TrackUnsubscribed,
  RoomEvent.TrackMuted, RoomEvent.TrackUnmuted, RoomEvent.ActiveSpeakersChanged,
  RoomEvent.DataReceived, RoomEvent.ConnectionStateChanged, RoomEvent.Disconnected,
  RoomEvent.Reconnecting, RoomEvent.Reconnected, RoomEvent.SignalReconnecting,
];

let room = null;
let t0 = 0;
let events = [];
let received = [];
let texts = []; // text streams on topics registered with receiveTexts
const sinks = new Map(); // track sid -> { analyser | videoSink, track, identity, source }

function record(type, fields) {
  events.push({ type, atMs: Math.round(performance.now() - t0), ...fields });
}

function describeEvent(name, args) {
  switch (name) {
    case RoomEvent.ParticipantConnected:
    case RoomEvent.ParticipantDisconnected:
      return { identity: args[0]?.identity };
    case RoomEvent.TrackPublished:
    case RoomEvent.TrackUnpublished:
    case RoomEvent.TrackMuted:
    case RoomEvent.TrackUnmuted:
      return { trackSid: args[0]?.trackSid, kind: args[0]?.kind, source: args[0]?.source, identity: args[1]?.identity };
    case RoomEvent.TrackSubscribed:
    case RoomEvent.TrackUnsubscribed:
      return { trackSid: args[1]?.trackSid, kind: args[0]?.kind, source: args[1]?.source, identity: args[2]?.identity };
    case RoomEvent.ActiveSpeakersChanged:
      return { speakers: (args[0] || []).map((p) => p.identity) };
    case RoomEvent.DataReceived:
      return { identity: args[1]?.identity, topic: args[3], bytes: args[0]?.byteLength };
    case RoomEvent.ConnectionStateChanged:
      return { state: args[0] };
    case RoomEvent.Disconnected:
      return { reason: args[0] };
    default:
      return {};
  }
}

function onSubscribed(track, publication, participant) {
  const mst = track.mediaStreamTrack;
  const base = { track, identity: participant.identity, source: publication.source };
  if (track.kind === Track.Kind.Audio) {
    sinks.set(publication.trackSid, { ...base, analyser: attachAnalyser(mst) });
  } else if (track.kind === Track.Kind.Video) {
    sinks.set(publication.trackSid, { ...base, video: attachVideoSink(mst) });
  }
}

function onUnsubscribed(track, publication) {
  const s = sinks.get(publication.trackSid);
  if (!s) return;
  s.analyser?.detach();
  s.video?.detach();
  sinks.delete(publication.trackSid);
}

let tcpOnlyInstalled = false;
const tcpOnlyPcs = [];

/** Diagnostics of the peer connections seen by the tcpOnly filter: states and candidate pairs. */
async function pcStates() {
  const out = [];
  for (const pc of tcpOnlyPcs) {
    const pairs = [];
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'candidate-pair') pairs.push({ state: s.state, nominated: s.nominated, sent: s.bytesSent, recv: s.bytesReceived });
    });
    out.push({ conn: pc.connectionState, ice: pc.iceConnectionState, dtls: pc.sctp?.transport?.state
      ?? pc.getReceivers()[0]?.transport?.state ?? null, signaling: pc.signalingState, pairs });
  }
  return out;
}

/**
 * Makes this page's peer connections ignore the server's UDP candidates (in the remote SDP and
 * trickled) and hide their own UDP candidates from the server (trickled and in local SDP), so ICE
 * can only pair with the server's passive TCP candidate (RFC 6544): a UDP-blocking network as seen
 * from the browser. Hiding our own matters with a full-ICE server, which checks the browser's
 * candidates too (an ICE-lite server never checks, so it would learn nothing over UDP anyway).
 */
function installTcpOnly() {
  if (tcpOnlyInstalled) return;
  tcpOnlyInstalled = true;
  const isUdp = (line) => /^(a=)?candidate:\S+ \d+ udp /i.test(line);
  const P = RTCPeerConnection.prototype;
  const setRemote = P.setRemoteDescription;
  P.setRemoteDescription = function (desc, ...rest) {
    if (!tcpOnlyPcs.includes(this)) {
      const pc = this;
      const n = tcpOnlyPcs.push(pc);
      const t = () => Math.round(performance.now() - t0);
      pc.addEventListener('connectionstatechange', () => console.log(`pc${n} ${t()}ms conn=${pc.connectionState}`));
      pc.addEventListener('iceconnectionstatechange', () => console.log(`pc${n} ${t()}ms ice=${pc.iceConnectionState}`));
    }
    if (desc && desc.sdp) {
      desc = { type: desc.type, sdp: desc.sdp.split('\r\n').filter((l) => !isUdp(l)).join('\r\n') };
    }
    return setRemote.call(this, desc, ...rest);
  };
  const addCandidate = P.addIceCandidate;
  P.addIceCandidate = function (c, ...rest) {
    if (c && isUdp(c.candidate || '')) return Promise.resolve();
    return addCandidate.call(this, c, ...rest);
  };
  // Our own UDP candidates never reach the server: not trickled, not in the SDP we send.
  const dropUdpEvent = (fn) => (ev) => {
    if (ev && ev.candidate && isUdp(ev.candidate.candidate || '')) return undefined;
    return typeof fn === 'function' ? fn(ev) : fn.handleEvent(ev);
  };
  const onIce = Object.getOwnPropertyDescriptor(P, 'onicecandidate');
  Object.defineProperty(P, 'onicecandidate', {
    configurable: true,
    enumerable: onIce.enumerable,
    get() { return onIce.get.call(this); },
    set(fn) { onIce.set.call(this, fn ? dropUdpEvent(fn).bind(this) : fn); },
  });
  const addListener = P.addEventListener;
  P.addEventListener = function (type, fn, ...rest) {
    return addListener.call(this, type, type === 'icecandidate' && fn ? dropUdpEvent(fn) : fn, ...rest);
  };
  const stripUdp = (d) => (d && d.sdp ? { type: d.type, sdp: d.sdp.split('\r\n').filter((l) => !isUdp(l)).join('\r\n') } : d);
  for (const name of ['createOffer', 'createAnswer']) {
    const orig = P[name];
    P[name] = function (...args) { return orig.apply(this, args).then(stripUdp); };
  }
  const localDesc = Object.getOwnPropertyDescriptor(P, 'localDescription');
  Object.defineProperty(P, 'localDescription', {
    configurable: true,
    enumerable: localDesc.enumerable,
    get() { return stripUdp(localDesc.get.call(this)); },
  });
}

/**
 * Joins a room. opts: { mic: bool, camera: bool, cameraResolution: {width,height,frameRate},
 * autoSubscribe: bool (default true), tcpOnly: bool (ignore the server's UDP candidates), relayOnly: bool
 * (iceTransportPolicy relay: only candidates from the TURN servers of the JoinResponse),
 * videoCodec: 'vp8' | 'h264' | ... (Room publishDefaults.videoCodec), micPublish: TrackPublishOptions
 * for the microphone (e.g. { dtx: false } or { forceStereo: true }), micCapture: constraints added to the
 * raw-audio capture (e.g. { echoCancellation: true }, which makes Chrome capture mono) }. Room options follow the contract: adaptiveStream and dynacast off.
 */
async function join(url, token, opts = {}) {
  if (room) throw new Error('already joined');
  if (opts.tcpOnly) installTcpOnly();
  t0 = performance.now();
  events = [];
  received = [];
  texts = [];
  const publishDefaults = opts.videoCodec ? { videoCodec: opts.videoCodec } : undefined;
  room = new Room({ adaptiveStream: false, dynacast: false, publishDefaults });
  for (const name of EVENTS) room.on(name, (...args) => record(name, describeEvent(name, args)));
  room.on(RoomEvent.TrackSubscribed, onSubscribed);
  room.on(RoomEvent.TrackUnsubscribed, onUnsubscribed);
  room.on(RoomEvent.DataReceived, (payload, participant, kind, topic) => {
    received.push({ identity: participant?.identity, topic, kind, text: new TextDecoder().decode(payload) });
  });
  try {
    // relayOnly: the browser gathers only relay candidates, from the ICE servers the server sent in JoinResponse
    const rtcConfig = opts.relayOnly ? { iceTransportPolicy: 'relay' } : undefined;
    await room.connect(url, token, { autoSubscribe: opts.autoSubscribe !== false, rtcConfig });
    recordAddTracks();
    if (opts.mic) {
      await room.localParticipant.setMicrophoneEnabled(true, { ...RAW_AUDIO, ...opts.micCapture }, opts.micPublish);
    }
    if (opts.camera) {
      const res = opts.cameraResolution || VideoPresets.h360.resolution;
      await room.localParticipant.setCameraEnabled(true, { resolution: res });
    }
  } catch (e) {
    const r = room;
    room = null; // a later join may retry
    await r.disconnect().catch(() => {});
    throw e;
  }
  return { identity: room.localParticipant.identity, sid: room.localParticipant.sid, roomName: room.name };
}

let addTrackRequests = [];

/** Keeps the codecs of every AddTrackRequest the SDK sends (what it asked for before any fallback). */
function recordAddTracks() {
  addTrackRequests = [];
  const client = room.engine.client;
  const orig = client.sendAddTrack.bind(client);
  client.sendAddTrack = (req) => {
    addTrackRequests.push({ cid: req.cid, source: req.source, codecs: req.simulcastCodecs.map((c) => c.codec) });
    return orig(req);
  };
}

function trackInfoOf(pub) {
  const ti = pub.trackInfo;
  if (!ti) return null;
  return {
    sid: ti.sid, mimeType: ti.mimeType, width: ti.width, height: ti.height, simulcast: ti.simulcast,
    audioFeatures: [...ti.audioFeatures],
    codecs: ti.codecs.map((c) => ({ mimeType: c.mimeType, mid: c.mid, cid: c.cid, layers: c.layers.length })),
    layers: ti.layers.map((l) => ({ quality: l.quality, width: l.width, height: l.height, rid: l.rid, ssrc: l.ssrc })),
  };
}

/**
 * The AddTrackRequests sent (cid, source, requested codecs) and the TrackInfo (sid, mimeType, codecs,
 * layers, audioFeatures) of each local publication and of each remote one, by identity and source.
 */
function trackInfos() {
  const local = [...room.localParticipant.trackPublications.values()]
    .map((pub) => ({ source: pub.source, options: pub.options?.videoCodec ?? null, info: trackInfoOf(pub) }));
  const remote = [];
  for (const p of room.remoteParticipants.values()) {
    for (const pub of p.trackPublications.values()) remote.push({ identity: p.identity, source: pub.source, info: trackInfoOf(pub) });
  }
  return { addTrackRequests, local, remote };
}

/**
 * UpdateLocalAudioTrack through the SDK's own signal client (what LocalParticipant sends when a local
 * audio track's features change, e.g. with Krisp noise cancellation) for the local track of `source`.
 */
function sendAudioFeatures(source, features) {
  const pub = [...room.localParticipant.trackPublications.values()].find((t) => t.source === source);
  if (!pub) throw new Error(`no local ${source} publication`);
  room.engine.client.sendUpdateLocalAudioTrack(pub.trackSid, features);
  return pub.trackSid;
}

function participantInfo(p) {
  return {
    identity: p.identity,
    sid: p.sid,
    tracks: [...p.trackPublications.values()].map((pub) => ({
      sid: pub.trackSid, kind: pub.kind, source: pub.source, muted: pub.isMuted, mimeType: pub.mimeType ?? '',
      subscribed: pub.isSubscribed === undefined ? null : pub.isSubscribed,
    })),
  };
}

/** Everything a test asserts on, as JSON. */
async function stats() {
  if (!room) return { state: 'none', remote: [], audio: [], video: [], events, data: received, texts };
  const audio = [];
  const video = [];
  for (const [trackSid, s] of sinks) {
    const rtp = await inboundRtp(s.track.receiver);
    const pair = await selectedPair(s.track.receiver);
    if (s.analyser) audio.push({ identity: s.identity, trackSid, source: s.source, ...s.analyser.measure(), rtp, pair });
    else video.push({ identity: s.identity, trackSid, source: s.source, framesDecoded: rtp?.framesDecoded ?? 0,
      frameWidth: rtp?.frameWidth ?? 0, frameHeight: rtp?.frameHeight ?? 0, rtp, pair });
  }
  let publisherPair = null;
  for (const pub of room.localParticipant.trackPublications.values()) {
    if (pub.track?.sender) publisherPair = await selectedPair(pub.track.sender);
  }
  return {
    state: room.state,
    publisherPair,
    local: participantInfo(room.localParticipant),
    remote: [...room.remoteParticipants.values()].map(participantInfo),
    activeSpeakers: room.activeSpeakers.map((p) => p.identity),
    audio,
    video,
    events,
    data: received,
    texts,
  };
}

/**
 * Packets of the subscriber PC's transport (RTCTransportStats.packetsReceived: RTP and RTCP of all
 * tracks) and of one subscribed track's inbound-rtp, read from that track's receiver.
 */
async function transportPackets(trackSid) {
  const s = sinks.get(trackSid);
  if (!s) return null;
  let transport = null;
  let track = null;
  (await s.track.receiver.getStats()).forEach((x) => {
    if (x.type === 'transport') transport = x.packetsReceived ?? null;
    if (x.type === 'inbound-rtp') track = x.packetsReceived ?? 0;
  });
  return { transport, track };
}

/**
 * The subscriber PC's transceivers (mid, direction, currentDirection), read through livekit-client's
 * engine (room.engine.pcManager.subscriber.pc); null before there is one.
 */
function subscriberTransceivers() {
  const pc = room?.engine?.pcManager?.subscriber?.pc;
  if (!pc) return null;
  return pc.getTransceivers().map((t) => ({ mid: t.mid, direction: t.direction, currentDirection: t.currentDirection }));
}

function remotePublication(identity, source) {
  const p = [...room.remoteParticipants.values()].find((x) => x.identity === identity);
  const pub = p && [...p.trackPublications.values()].find((t) => t.source === source);
  if (!pub) throw new Error(`no ${source} publication of ${identity}`);
  return pub;
}

/** UpdateSubscription from the SDK: publication.setSubscribed for identity's track of source. */
function setSubscribed(identity, source, subscribed) {
  remotePublication(identity, source).setSubscribed(subscribed);
}

/** UpdateTrackSettings from the SDK: quality 'low' | 'medium' | 'high', {width, height}, or enabled. */
function setVideoView(identity, source, { quality, width, height, enabled }) {
  const pub = remotePublication(identity, source);
  if (enabled !== undefined) pub.setEnabled(enabled);
  if (quality) pub.setVideoQuality(VideoQuality[quality.toUpperCase()]);
  if (width && height) pub.setVideoDimensions({ width, height });
}

/**
 * Publishes a screen share the SDK's way: setScreenShareEnabled (getDisplayMedia, which headless
 * Chromium grants with --use-fake-ui-for-media-stream and serves from its fake capture device) for the
 * video, and a WebAudio oscillator of audioHz as the ScreenShareAudio track (the fake display has no
 * audio). Returns the published track sids.
 */
async function publishScreenShare({ audioHz = 660 } = {}) {
  const video = await room.localParticipant.setScreenShareEnabled(true, { audio: false });
  const audio = await room.localParticipant.publishTrack(startScreenAudio(audioHz),
    { source: Track.Source.ScreenShareAudio, name: 'screen-audio' });
  return { video: video?.trackSid, audio: audio.trackSid };
}

async function setMicMuted(muted) {
  const pub = room.localParticipant.getTrackPublication(Track.Source.Microphone);
  if (!pub) throw new Error('no microphone published');
  if (muted) await pub.mute();
  else await pub.unmute();
  return pub.isMuted;
}

/**
 * The camera sender's view of the publisher PC: Chrome's send-side bandwidth estimate
 * (candidate-pair availableOutgoingBitrate, fed by the server's transport-cc feedback) and, per
 * simulcast layer, frame size, bytes sent, target bitrate and why quality is limited.
 */
async function publisherStats() {
  const pub = room?.localParticipant.getTrackPublication(Track.Source.Camera);
  const sender = pub?.track?.sender;
  if (!sender) return null;
  const report = await sender.getStats();
  let availableOutgoingBitrate = 0;
  const layers = [];
  const receiverReports = []; // remote-inbound-rtp: built by the browser from the server's RRs
  report.forEach((s) => {
    if (s.type === 'remote-inbound-rtp') {
      receiverReports.push({ ssrc: s.ssrc, packetsLost: s.packetsLost ?? 0, fractionLost: s.fractionLost ?? 0,
        jitter: s.jitter ?? 0, roundTripTime: s.roundTripTime ?? 0,
        roundTripTimeMeasurements: s.roundTripTimeMeasurements ?? 0 });
    }
  });
  report.forEach((s) => {
    if (s.type === 'candidate-pair' && s.availableOutgoingBitrate) {
      availableOutgoingBitrate = Math.max(availableOutgoingBitrate, s.availableOutgoingBitrate);
    }
    if (s.type === 'outbound-rtp' && s.kind === 'video') {
      layers.push({ rid: s.rid ?? '', ssrc: s.ssrc, codec: report.get(s.codecId)?.mimeType ?? '', frameWidth: s.frameWidth ?? 0, bytesSent: s.bytesSent ?? 0,
        targetBitrate: s.targetBitrate ?? 0, qualityLimitationReason: s.qualityLimitationReason ?? '',
        nackCount: s.nackCount ?? 0, pliCount: s.pliCount ?? 0, retransmittedPacketsSent: s.retransmittedPacketsSent ?? 0 });
    }
  });
  return { availableOutgoingBitrate, layers, receiverReports };
}

// The last remote answer each peer connection applied (the server's answer on the publisher PC).
const remoteAnswers = new Map();
const setRemoteDescription = RTCPeerConnection.prototype.setRemoteDescription;
RTCPeerConnection.prototype.setRemoteDescription = function (desc, ...rest) {
  if (desc && desc.type === 'answer' && desc.sdp) remoteAnswers.set(this, desc.sdp);
  return setRemoteDescription.call(this, desc, ...rest);
};

/**
 * The opus fmtp of the server's answer for the microphone's m-line (what turns on DTX and stereo at
 * the encoder), or null before there is one.
 */
function micAnswerFmtp() {
  const sender = room.localParticipant.getTrackPublication(Track.Source.Microphone)?.track?.sender;
  for (const [pc, sdp] of remoteAnswers) {
    const tr = pc.getTransceivers().find((t) => t.sender === sender);
    if (!tr?.mid) continue;
    const section = sdp.split(/\r\n(?=m=)/).find((m) => m.includes(`\r\na=mid:${tr.mid}\r\n`));
    const pt = section?.match(/a=rtpmap:(\d+) opus\//i)?.[1];
    return pt ? (section.match(new RegExp(`a=fmtp:${pt} (.*)`))?.[1] ?? '') : null;
  }
  return null;
}

/** opts: { reliable (default true), topic, destinationIdentities } */
async function sendData(text, opts = {}) {
  await room.localParticipant.publishData(new TextEncoder().encode(text), {
    reliable: opts.reliable !== false, topic: opts.topic, destinationIdentities: opts.destinationIdentities,
  });
}

/** Answers RPC calls of `method` with `echo:<caller identity>:<payload>`. */
function registerEcho(method) {
  room.registerRpcMethod(method, async (d) => `echo:${d.callerIdentity}:${d.payload}`);
}

/** Calls `method` on destinationIdentity; resolves to the response, or { error } with the RpcError. */
async function performRpc(destinationIdentity, method, payload) {
  try {
    return await room.localParticipant.performRpc({ destinationIdentity, method, payload });
  } catch (e) {
    return { error: `${e.code ?? ''} ${e.message}` };
  }
}

/** Records text streams on `topic` (e.g. lk.chat) in stats().texts. */
function receiveTexts(topic) {
  room.registerTextStreamHandler(topic, async (reader, from) => {
    texts.push({ identity: from.identity, topic, text: await reader.readAll() });
  });
}

/** opts: { topic, destinationIdentities } */
async function sendText(text, opts = {}) {
  await room.localParticipant.sendText(text, opts);
}

/**
 * Starts livekit-client's simulateScenario (e.g. 'signal-reconnect' with a delay in ms: the WebSocket is
 * closed, and the client resumes after the delay) without waiting for it; failures land in events.
 */
function simulate(scenario, arg) {
  room.simulateScenario(scenario, arg).catch((e) => record('simulateFailed', { error: String(e) }));
}

/**
 * What livekit-client does when its subscriber PC fails (RR_SUBSCRIBER_FAILED = 3): a resume with that
 * reason while the signalling WebSocket is still open, through the engine's own reconnect path.
 */
function simulateSubscriberFailure() {
  room.engine.handleDisconnect('simulated subscriber failure', 3);
}

function iceUfrag(desc) {
  return desc?.sdp?.match(/a=ice-ufrag:(\S+)/)?.[1] ?? null;
}

/**
 * Each peer connection's ICE view (via room.engine.pcManager): connection and ICE states, the local and
 * the remote ice-ufrag in the current descriptions. An ICE restart changes the local ufrag; the remote
 * one shows whether the server's answer changed its credentials too.
 */
async function iceInfo() {
  const out = {};
  for (const name of ['publisher', 'subscriber']) {
    const pc = room?.engine?.pcManager?.[name]?.pc;
    if (!pc) continue;
    // the ufrag of the selected pair's local candidate: which ICE generation carries the media now
    const stats = await pc.getStats();
    let selectedUfrag = null;
    stats.forEach((t) => {
      if (t.type !== 'transport' || !t.selectedCandidatePairId) return;
      const pair = stats.get(t.selectedCandidatePairId);
      selectedUfrag = stats.get(pair?.localCandidateId)?.usernameFragment ?? null;
    });
    out[name] = { conn: pc.connectionState, ice: pc.iceConnectionState, signaling: pc.signalingState,
      localUfrag: iceUfrag(pc.currentLocalDescription), remoteUfrag: iceUfrag(pc.currentRemoteDescription),
      selectedUfrag };
  }
  return out;
}

async function leave() {
  if (!room) return;
  const r = room;
  room = null;
  await r.disconnect();
  for (const s of sinks.values()) { s.analyser?.detach(); s.video?.detach(); }
  sinks.clear();
}

window.lk = { sdkVersion, join, stats, trackInfos, sendAudioFeatures, publisherStats, micAnswerFmtp, transportPackets, subscriberTransceivers, setSubscribed, setVideoView, publishScreenShare, setMicMuted, sendData, registerEcho, performRpc, receiveTexts, sendText, leave, loopback, pcStates, simulate, simulateSubscriberFailure, iceInfo };
