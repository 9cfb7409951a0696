// Tone measurements on PCM in Node (the rtc-node subscribers): RMS and the frequency of a steady tone
// from upward zero crossings with sub-sample interpolation. Pure functions, no allocation per call.

/** RMS of 16-bit samples, scaled so that full scale is 1.0 (a 0.5-volume sine gives ~0.354). */
export function rms16(samples, start = 0, end = samples.length) {
  let sum = 0;
  for (let i = start; i < end; i++) sum += samples[i] * samples[i];
  const n = end - start;
  return n > 0 ? Math.sqrt(sum / n) / 32768 : 0;
}

/**
 * Frequency of a steady tone: (upward crossings - 1) / time between the first and the last one.
 * Returns 0 when fewer than two crossings are found or the signal is below the noise floor.
 */
export function zeroCrossingHz(samples, sampleRate, start = 0, end = samples.length, floor = 64) {
  let first = -1;
  let last = -1;
  let count = 0;
  let peak = 0;
  for (let i = start; i < end; i++) peak = Math.max(peak, Math.abs(samples[i]));
  if (peak < floor) return 0;
  for (let i = start + 1; i < end; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    if (a < 0 && b >= 0) {
      const t = i - 1 + (-a) / (b - a); // linear interpolation of the crossing
      if (first < 0) first = t;
      last = t;
      count++;
    }
  }
  return count >= 2 && last > first ? ((count - 1) * sampleRate) / (last - first) : 0;
}

/** A fixed ring of the most recent samples of one audio track. */
export class SampleRing {
  constructor(size) {
    this.buf = new Int16Array(size);
    this.size = size;
    this.filled = 0;
    this.pos = 0;
    this.total = 0;
  }

  push(data) {
    for (let i = 0; i < data.length; i++) {
      this.buf[this.pos] = data[i];
      this.pos = (this.pos + 1) % this.size;
    }
    this.filled = Math.min(this.size, this.filled + data.length);
    this.total += data.length;
  }

  /** The held samples, oldest first (a copy: only called when a test asks for stats). */
  ordered() {
    const out = new Int16Array(this.filled);
    const startPos = (this.pos - this.filled + this.size) % this.size;
    for (let i = 0; i < this.filled; i++) out[i] = this.buf[(startPos + i) % this.size];
    return out;
  }

  measure(sampleRate) {
    const s = this.ordered();
    return { rms: rms16(s), peakHz: zeroCrossingHz(s, sampleRate), samples: this.total };
  }
}
