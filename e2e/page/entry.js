// Page script driven by Playwright: window.lk joins a LiveKit room with the real livekit-client and
// reports what it receives. Everything returned is plain JSON so page.evaluate can carry it.
import { Room, RoomEvent, Track, VideoPresets, version as sdkVersion } from 'livekit-client';
import { attachAnalyser, attachVideoSink, inboundRtp, RAW_AUDIO, selectedPair } from './measure.js';
import { loopback } from './loopback.js';

const EVENTS = [
  RoomEvent.ParticipantConnected, RoomEvent.ParticipantDisconnected, RoomEvent.TrackPublished,
  RoomEvent.TrackUnpublished, RoomEvent.TrackSubscribed, RoomEvent.TrackUnsubscribed,
  RoomEvent.TrackMuted, RoomEvent.TrackUnmuted, RoomEvent.ActiveSpeakersChanged,
  RoomEvent.DataReceived, RoomEvent.ConnectionStateChanged, RoomEvent.Disconnected,
  RoomEvent.Reconnecting, RoomEvent.Reconnected,
];

let room = null;
let t0 = 0;
let events = [];
let received = [];
const sinks = new Map(); // track sid -> { analyser | videoSink, track, identity }

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
  if (track.kind === Track.Kind.Audio) {
    sinks.set(publication.trackSid, { track, identity: participant.identity, analyser: attachAnalyser(mst) });
  } else if (track.kind === Track.Kind.Video) {
    sinks.set(publication.trackSid, { track, identity: participant.identity, video: attachVideoSink(mst) });
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
 * trickled), so ICE can only pair with its passive TCP candidate (RFC 6544): a UDP-blocking network as
 * seen from the browser. The server is ICE-lite and never checks first, so no peer-reflexive UDP
 * candidate can appear either.
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
}

/**
 * Joins a room. opts: { mic: bool, camera: bool, cameraResolution: {width,height,frameRate},
 * autoSubscribe: bool (default true), tcpOnly: bool (ignore the server's UDP candidates) }. Room options follow the contract: adaptiveStream and dynacast off.
 */
async function join(url, token, opts = {}) {
  if (room) throw new Error('already joined');
  if (opts.tcpOnly) installTcpOnly();
  t0 = performance.now();
  events = [];
  received = [];
  room = new Room({ adaptiveStream: false, dynacast: false });
  for (const name of EVENTS) room.on(name, (...args) => record(name, describeEvent(name, args)));
  room.on(RoomEvent.TrackSubscribed, onSubscribed);
  room.on(RoomEvent.TrackUnsubscribed, onUnsubscribed);
  room.on(RoomEvent.DataReceived, (payload, participant, kind, topic) => {
    received.push({ identity: participant?.identity, topic, text: new TextDecoder().decode(payload) });
  });
  try {
    await room.connect(url, token, { autoSubscribe: opts.autoSubscribe !== false });
    if (opts.mic) await room.localParticipant.setMicrophoneEnabled(true, RAW_AUDIO);
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

function participantInfo(p) {
  return {
    identity: p.identity,
    sid: p.sid,
    tracks: [...p.trackPublications.values()].map((pub) => ({
      sid: pub.trackSid, kind: pub.kind, source: pub.source, muted: pub.isMuted,
      subscribed: pub.isSubscribed === undefined ? null : pub.isSubscribed,
    })),
  };
}

/** Everything a test asserts on, as JSON. */
async function stats() {
  if (!room) return { state: 'none', remote: [], audio: [], video: [], events, data: received };
  const audio = [];
  const video = [];
  for (const [trackSid, s] of sinks) {
    const rtp = await inboundRtp(s.track.receiver);
    const pair = await selectedPair(s.track.receiver);
    if (s.analyser) audio.push({ identity: s.identity, trackSid, ...s.analyser.measure(), rtp, pair });
    else video.push({ identity: s.identity, trackSid, framesDecoded: rtp?.framesDecoded ?? 0,
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
  };
}

async function setMicMuted(muted) {
  const pub = room.localParticipant.getTrackPublication(Track.Source.Microphone);
  if (!pub) throw new Error('no microphone published');
  if (muted) await pub.mute();
  else await pub.unmute();
  return pub.isMuted;
}

/** opts: { reliable (default true), topic, destinationIdentities } */
async function sendData(text, opts = {}) {
  await room.localParticipant.publishData(new TextEncoder().encode(text), {
    reliable: opts.reliable !== false, topic: opts.topic, destinationIdentities: opts.destinationIdentities,
  });
}

async function leave() {
  if (!room) return;
  const r = room;
  room = null;
  await r.disconnect();
  for (const s of sinks.values()) { s.analyser?.detach(); s.video?.detach(); }
  sinks.clear();
}

window.lk = { sdkVersion, join, stats, setMicMuted, sendData, leave, loopback, pcStates };
