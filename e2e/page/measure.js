// Measurements shared by the LiveKit room helpers and the loopback self-test: the same code checks
// what a real subscriber receives, so the self-test proves the path the media tests rely on.

let audioCtx = null;

/** One AudioContext per page (48 kHz, the rate Opus decodes to in Chrome). */
export function audioContext() {
  if (!audioCtx) audioCtx = new AudioContext({ sampleRate: 48000 });
  if (audioCtx.state === 'suspended') audioCtx.resume();
  return audioCtx;
}

/**
 * Feeds a MediaStreamTrack into an AnalyserNode. Chrome delivers remote WebRTC audio to WebAudio only
 * while the stream also plays in a media element, so a muted <audio> element is attached too.
 */
export function attachAnalyser(mediaStreamTrack) {
  const ctx = audioContext();
  const stream = new MediaStream([mediaStreamTrack]);
  const el = document.createElement('audio');
  el.muted = true;
  el.autoplay = true;
  el.srcObject = stream;
  document.body.appendChild(el);
  el.play().catch(() => {});
  const source = ctx.createMediaStreamSource(stream);
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 8192; // 5.9 Hz bins at 48 kHz
  analyser.smoothingTimeConstant = 0;
  source.connect(analyser);
  const freq = new Float32Array(analyser.frequencyBinCount);
  const time = new Float32Array(analyser.fftSize);
  return {
    measure() { return measureAnalyser(analyser, freq, time, ctx.sampleRate); },
    detach() {
      try { source.disconnect(); } catch (e) { /* already gone */ }
      el.srcObject = null;
      el.remove();
    },
  };
}

/** Peak frequency (parabolic interpolation over dB bins) and RMS of the last fftSize samples. */
function measureAnalyser(analyser, freq, time, sampleRate) {
  analyser.getFloatFrequencyData(freq);
  analyser.getFloatTimeDomainData(time);
  let sum = 0;
  for (let i = 0; i < time.length; i++) sum += time[i] * time[i];
  const rms = Math.sqrt(sum / time.length);
  let best = 1;
  for (let i = 2; i < freq.length - 1; i++) if (freq[i] > freq[best]) best = i;
  const a = freq[best - 1], b = freq[best], c = freq[best + 1];
  const denom = a - 2 * b + c;
  const shift = Number.isFinite(denom) && denom !== 0 ? 0.5 * (a - c) / denom : 0;
  const binHz = sampleRate / analyser.fftSize;
  return {
    peakHz: rms > 0 && Number.isFinite(b) ? (best + shift) * binHz : 0,
    peakDb: Number.isFinite(b) ? b : -Infinity,
    rms,
  };
}

/** The inbound-rtp entry of one RTCRtpReceiver (framesDecoded, frameWidth, packetsReceived...). */
export async function inboundRtp(receiver) {
  if (!receiver) return null;
  const report = await receiver.getStats();
  let found = null;
  const remote = new Map();
  report.forEach((s) => {
    if (s.type === 'inbound-rtp') found = s;
    if (s.type === 'remote-outbound-rtp') remote.set(s.id, s);
  });
  if (!found) return null;
  // built by the browser from the server's RTCP sender reports (RFC 3550 6.4.1)
  const sr = remote.get(found.remoteId);
  const codec = found.codecId ? report.get(found.codecId) : null;
  return {
    kind: found.kind,
    ssrc: found.ssrc,
    codec: codec?.mimeType ?? '',
    fmtp: codec?.sdpFmtpLine ?? '',
    payloadType: codec?.payloadType ?? -1,
    packetsReceived: found.packetsReceived ?? 0,
    packetsLost: found.packetsLost ?? 0,
    bytesReceived: found.bytesReceived ?? 0,
    // RTP header bytes (fixed header, header extensions, padding): tells whether packets carry extensions
    headerBytesReceived: found.headerBytesReceived ?? 0,
    framesDecoded: found.framesDecoded ?? 0,
    framesReceived: found.framesReceived ?? 0,
    frameWidth: found.frameWidth ?? 0,
    frameHeight: found.frameHeight ?? 0,
    jitter: found.jitter ?? 0,
    nackCount: found.nackCount ?? 0,
    srPacketsSent: sr?.packetsSent ?? 0,
    srBytesSent: sr?.bytesSent ?? 0,
    srReportsSent: sr?.reportsSent ?? 0,
  };
}

/** A hidden <video> sink so the receiver has a consumer while it decodes. */
export function attachVideoSink(mediaStreamTrack) {
  const el = document.createElement('video');
  el.muted = true;
  el.autoplay = true;
  el.playsInline = true;
  el.width = 160;
  el.srcObject = new MediaStream([mediaStreamTrack]);
  document.body.appendChild(el);
  el.play().catch(() => {});
  return { detach() { el.srcObject = null; el.remove(); } };
}

/** getUserMedia audio with the processing off: a steady tone is otherwise attenuated. */
export const RAW_AUDIO = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };

/** The ICE candidate pair a receiver's transport selected: the remote candidate's protocol and port. */
export async function selectedPair(receiver) {
  if (!receiver) return null;
  const report = await receiver.getStats();
  const byId = new Map();
  report.forEach((s) => byId.set(s.id, s));
  let pair = null;
  report.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId) pair = byId.get(s.selectedCandidatePairId);
  });
  if (!pair) return null;
  const remote = byId.get(pair.remoteCandidateId);
  const local = byId.get(pair.localCandidateId);
  return {
    protocol: remote?.protocol ?? null, remotePort: remote?.port ?? 0, localTcpType: local?.tcpType ?? null,
    localType: local?.candidateType ?? null, localRelayProtocol: local?.relayProtocol ?? null,
  };
}
