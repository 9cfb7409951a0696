// Real browser for the e2e tests: Debian Chromium driven by playwright-core, the page served from a
// tiny http server on 127.0.0.1, a known tone as the fake microphone. Everything started here is
// stopped and deleted by Harness.close().
import { chromium } from 'playwright-core';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { buildBundle } from '../build.mjs';

const run = promisify(execFile);

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Opt-in debugging for flaky runs (all off by default): JSFU_E2E_CHROME_ARGS adds Chromium flags
 * (e.g. "--enable-logging --log-file=/tmp/chrome.log --v=0"), JSFU_E2E_LK_DEBUG=1 sets
 * livekit-client's log level to debug, JSFU_E2E_CONSOLE_FILE appends every page console line
 * (scrubbed, timestamped) to that file.
 */
const DEBUG = {
  chromeArgs: process.env.JSFU_E2E_CHROME_ARGS || '',
  lkDebug: !!process.env.JSFU_E2E_LK_DEBUG,
  consoleFile: process.env.JSFU_E2E_CONSOLE_FILE || '',
};

function debugChromiumArgs() {
  return DEBUG.chromeArgs.split(' ').filter(Boolean);
}

/** The launch flags from docs/test-harness.md; wav (optional) becomes the fake microphone. */
export function chromiumArgs(wav) {
  const args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    '--autoplay-policy=no-user-gesture-required', '--allow-loopback-in-peer-connection',
  ];
  if (wav) args.push(`--use-file-for-fake-audio-capture=${wav}`);
  return args;
}

/** A mono 48 kHz 16-bit sine wav made by sox. */
export async function makeTone(dir, hz = 440, seconds = 10) {
  const file = path.join(dir, `tone${hz}.wav`);
  await run('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', file, 'synth', String(seconds), 'sine', String(hz), 'vol', '0.5']);
  return file;
}

const INDEX_HTML = '<!doctype html><html><head><meta charset="utf-8"><title>jsfu e2e</title></head>'
  + '<body><script src="/bundle.js"></script></body></html>';

/** Serves the page and the bundle on 127.0.0.1 (a secure context, so getUserMedia is allowed). */
export async function startPageServer(bundleFile) {
  const bundle = await fs.readFile(bundleFile);
  const server = http.createServer((req, res) => {
    const url = req.url.split('?')[0];
    if (url === '/' || url === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(INDEX_HTML);
    } else if (url === '/favicon.ico') {
      res.writeHead(204).end();
    } else if (url === '/bundle.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}

/**
 * Polls fn() (sync or async) until check(value) is true; returns that value. On timeout throws an
 * error naming `what` and showing the last value seen, so a failing test says what it saw.
 */
export async function pollUntil(fn, check, { timeoutMs = 15000, intervalMs = 250, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  let lastError;
  for (;;) {
    try {
      last = await fn();
      lastError = undefined;
      if (check(last)) return last;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const seen = lastError ? `error: ${lastError.message}` : JSON.stringify(last, null, 1)?.slice(0, 4000);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** One Chromium (persistent context in a fresh profile dir) plus the page server and temp files. */
export class Harness {
  static async start({ toneHz = 440, extraArgs = [] } = {}) {
    const h = new Harness();
    try {
      h.tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'jsfu-e2e-'));
      h.wav = toneHz ? await makeTone(h.tmp, toneHz) : null;
      h.server = await startPageServer(await buildBundle());
      h.context = await chromium.launchPersistentContext(path.join(h.tmp, 'profile'), {
        executablePath: CHROMIUM,
        headless: true,
        args: [...chromiumArgs(h.wav), ...extraArgs, ...debugChromiumArgs()],
      });
      h.context.grantPermissions(['microphone', 'camera']).catch(() => {});
    } catch (e) {
      await h.close();
      throw e;
    }
    return h;
  }

  constructor() {
    this.tmp = null;
    this.wav = null;
    this.server = null;
    this.context = null;
    this.pages = [];
    this.consoleLines = [];
  }

  /** Opens a page on the served bundle and waits for window.lk. */
  async openPage(label = `page${this.pages.length}`) {
    const page = await this.context.newPage();
    page.on('console', (m) => {
      const line = scrub(`[${label}] ${m.type()}: ${m.text()}`);
      this.consoleLines.push(line);
      if (DEBUG.consoleFile) fs.appendFile(DEBUG.consoleFile, `${new Date().toISOString()} ${line}\n`).catch(() => {});
    });
    page.on('pageerror', (e) => this.consoleLines.push(scrub(`[${label}] pageerror: ${e.message}`)));
    await page.goto(this.server.url + (DEBUG.lkDebug ? '?lkdebug=1' : ''));
    await page.waitForFunction(() => typeof window.lk === 'object', null, { timeout: 15000 });
    this.pages.push(page);
    return page;
  }

  async openPages(n) {
    const pages = [];
    for (let i = 0; i < n; i++) pages.push(await this.openPage());
    return pages;
  }

  /** Last console lines of all pages, for failure messages. */
  consoleTail(n = 40) {
    return this.consoleLines.slice(-n).join('\n');
  }

  async close() {
    const errors = [];
    if (this.context) {
      await withTimeout(this.context.close(), 10000).catch((e) => errors.push(e));
      this.context = null;
    }
    if (this.server) {
      await this.server.close().catch((e) => errors.push(e));
      this.server = null;
    }
    if (this.tmp) {
      await fs.rm(this.tmp, { recursive: true, force: true }).catch((e) => errors.push(e));
      this.tmp = null;
    }
    if (errors.length) throw errors[0];
  }
}

/** Console lines go into test output: drop tokens (JWTs, access_token=) and long join requests. */
export function scrub(line) {
  return line
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, '<jwt>')
    .replace(/(access_token=)[^&\s'"]+/g, '$1<redacted>')
    .replace(/(join_request=)[^&\s'"]+/g, '$1<omitted>')
    .slice(0, 600);
}

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms); }),
  ]);
}
