// Harness self-test without an SFU: the fake mic and camera go through a local RTCPeerConnection pair
// (pc1 -> pc2 in this page) and are measured with the same code the room helpers use.
import { attachAnalyser, attachVideoSink, inboundRtp, RAW_AUDIO } from './measure.js';

let session = null;

async function start() {
  if (session) throw new Error('loopback already started');
  const local = await navigator.mediaDevices.getUserMedia({ audio: RAW_AUDIO, video: { width: 640, height: 360 } });
  const pc1 = new RTCPeerConnection();
  const pc2 = new RTCPeerConnection();
  pc1.onicecandidate = (e) => e.candidate && pc2.addIceCandidate(e.candidate);
  pc2.onicecandidate = (e) => e.candidate && pc1.addIceCandidate(e.candidate);
  const remote = { audio: null, video: null };
  pc2.ontrack = (e) => {
    if (e.track.kind === 'audio') remote.audio = { receiver: e.receiver, analyser: attachAnalyser(e.track) };
    else remote.video = { receiver: e.receiver, sink: attachVideoSink(e.track) };
  };
  for (const t of local.getTracks()) pc1.addTrack(t, local);
  await pc1.setLocalDescription(await pc1.createOffer());
  await pc2.setRemoteDescription(pc1.localDescription);
  await pc2.setLocalDescription(await pc2.createAnswer());
  await pc1.setRemoteDescription(pc2.localDescription);
  session = { local, pc1, pc2, remote };
  return { audioTracks: local.getAudioTracks().length, videoTracks: local.getVideoTracks().length };
}

async function stats() {
  if (!session) throw new Error('loopback not started');
  const { pc2, remote } = session;
  const a = remote.audio;
  const v = remote.video;
  const vr = v ? await inboundRtp(v.receiver) : null;
  return {
    iceState: pc2.iceConnectionState,
    audio: a ? { ...a.analyser.measure(), rtp: await inboundRtp(a.receiver) } : null,
    video: v ? { framesDecoded: vr?.framesDecoded ?? 0, frameWidth: vr?.frameWidth ?? 0,
      frameHeight: vr?.frameHeight ?? 0, rtp: vr } : null,
  };
}

/** Disables the sending audio track: WebRTC then sends silence, which the analyser must see. */
function setAudioEnabled(enabled) {
  for (const t of session.local.getAudioTracks()) t.enabled = enabled;
}

function stop() {
  if (!session) return;
  session.remote.audio?.analyser.detach();
  session.remote.video?.sink.detach();
  session.pc1.close();
  session.pc2.close();
  for (const t of session.local.getTracks()) t.stop();
  session = null;
}

export const loopback = { start, stats, setAudioEnabled, stop };
