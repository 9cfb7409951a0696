// Browser-free LiveKit clients built on @livekit/rtc-node (a native WebRTC client): many subscribers
// in one Node process for load tests. Each records what it receives so tests can assert on it.
import { AudioStream, Room, RoomEvent, TrackKind, VideoStream } from '@livekit/rtc-node';
import { SampleRing } from './tone.mjs';

const SAMPLE_RATE = 48000;
/**
 * Audio frame length asked of rtc-node. Its default, 10 ms, is 100 FFI events a second per track, and
 * rtc-node hands every FFI event to every Room and stream listener of the process (each Room takes an
 * async lock per event; under node:test's async hook every promise costs a destroy hook). With 20
 * subscribers the JS thread fell behind on 2 loaded cores and the one FFI event queue, which room events
 * share with the frames, grew by seconds a minute (25 s measured), so ParticipantDisconnected and even
 * connect callbacks arrived late. 100 ms frames cut that traffic tenfold; the meters keep 500 ms anyway.
 */
const AUDIO_FRAME_MS = 100;

/** Reads a ReadableStream until cancelled, handing each chunk to onChunk. */
function drain(stream, onChunk) {
  const reader = stream.getReader();
  const done = (async () => {
    try {
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) return;
        onChunk(value);
      }
    } catch {
      // cancelled or the track went away
    }
  })();
  return { cancel: async () => { await reader.cancel().catch(() => {}); await done; } };
}

/** Measures audio frames (RMS, tone frequency) from any rtc-node audio track, local or remote. */
export function measureAudioTrack(track) {
  const ring = new SampleRing(SAMPLE_RATE / 2); // last 500 ms
  const d = drain(new AudioStream(track, { sampleRate: SAMPLE_RATE, numChannels: 1, frameSizeMs: AUDIO_FRAME_MS }), (f) => ring.push(f.data));
  return { stats: () => ring.measure(SAMPLE_RATE), cancel: d.cancel };
}

/** Counts decoded video frames and remembers the last size from any rtc-node video track. */
export function measureVideoTrack(track) {
  const s = { frames: 0, width: 0, height: 0 };
  const d = drain(new VideoStream(track), (ev) => {
    s.frames++;
    s.width = ev.frame.width;
    s.height = ev.frame.height;
  });
  return { stats: () => ({ ...s }), cancel: d.cancel };
}

export class NodeSubscriber {
  constructor(label) {
    this.label = label;
    this.room = new Room();
    this.events = [];
    this.meters = new Map(); // track sid -> { identity, kind, meter }
    const r = this.room;
    r.on(RoomEvent.ParticipantConnected, (p) => this.events.push({ type: 'participantConnected', identity: p.identity }));
    r.on(RoomEvent.ParticipantDisconnected, (p) => this.events.push({ type: 'participantDisconnected', identity: p.identity, at: Date.now() }));
    r.on(RoomEvent.TrackMuted, (pub, p) => this.events.push({ type: 'trackMuted', identity: p?.identity, trackSid: pub?.sid }));
    r.on(RoomEvent.TrackUnmuted, (pub, p) => this.events.push({ type: 'trackUnmuted', identity: p?.identity, trackSid: pub?.sid }));
    r.on(RoomEvent.TrackSubscribed, (track, pub, p) => {
      const kind = track.kind === TrackKind.KIND_AUDIO ? 'audio' : 'video';
      const meter = kind === 'audio' ? measureAudioTrack(track) : measureVideoTrack(track);
      this.meters.set(pub.sid, { identity: p.identity, kind, meter });
      this.events.push({ type: 'trackSubscribed', identity: p.identity, trackSid: pub.sid, kind });
    });
    r.on(RoomEvent.TrackUnsubscribed, (track, pub, p) => {
      this.events.push({ type: 'trackUnsubscribed', identity: p?.identity, trackSid: pub.sid, at: Date.now() });
      this.meters.get(pub.sid)?.meter.cancel();
      this.meters.delete(pub.sid);
    });
  }

  /** Connects with autoSubscribe on and dynacast off (the contract's default options). */
  async join(url, token) {
    await this.room.connect(url, token, { autoSubscribe: true, dynacast: false });
    return this;
  }

  stats() {
    const audio = [];
    const video = [];
    for (const [trackSid, m] of this.meters) {
      (m.kind === 'audio' ? audio : video).push({ identity: m.identity, trackSid, ...m.meter.stats() });
    }
    return {
      label: this.label,
      connected: this.room.isConnected,
      remote: [...this.room.remoteParticipants.values()].map((p) => p.identity),
      audio,
      video,
      events: this.events,
    };
  }

  /**
   * Round trip of an async FFI request (session stats): how far this process's FFI event queue, which
   * room events share with every stream's frames, is behind. Tells a slow server from a slow test client.
   * Gives up after limitMs (the result is then at least limitMs).
   */
  async eventLagMs(limitMs = 30000) {
    const t = Date.now();
    let timer;
    const limit = new Promise((resolve) => { timer = setTimeout(resolve, limitMs); });
    await Promise.race([this.room.getRtcStats(), limit]).finally(() => clearTimeout(timer));
    return Date.now() - t;
  }

  /** Stops reading frames (the tracks stay subscribed); tracks subscribed later are measured again. */
  async stopMeters() {
    for (const m of this.meters.values()) await m.meter.cancel();
    this.meters.clear();
  }

  async leave() {
    await this.stopMeters();
    await this.room.disconnect();
  }
}
