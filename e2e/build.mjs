// Bundles page/entry.js (livekit-client + the window.lk helpers) into dist/bundle.js.
// Run by hand with `node build.mjs`; lib/browser.mjs calls buildBundle() before serving the page.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BUNDLE = path.join(here, 'dist', 'bundle.js');

export async function buildBundle() {
  await build({
    entryPoints: [path.join(here, 'page', 'entry.js')],
    bundle: true,
    format: 'iife',
    target: 'es2020',
    outfile: BUNDLE,
    logLevel: 'warning',
  });
  return BUNDLE;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildBundle();
  console.log(`built ${path.relative(process.cwd(), BUNDLE)}`);
}
