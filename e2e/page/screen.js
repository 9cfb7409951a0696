// The shared screen's audio: a WebAudio oscillator (headless Chromium's fake display capture has none).

/** A MediaStreamTrack playing a sine of audioHz at half scale until stopped. */
export function startScreenAudio(audioHz) {
  const ctx = new AudioContext({ sampleRate: 48000 });
  const osc = ctx.createOscillator();
  osc.frequency.value = audioHz;
  const gain = ctx.createGain();
  gain.gain.value = 0.5;
  const dest = ctx.createMediaStreamDestination();
  osc.connect(gain).connect(dest);
  osc.start();
  ctx.resume();
  return dest.stream.getAudioTracks()[0];
}
