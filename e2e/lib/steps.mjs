/**
 * The steps of one sequential browser scenario (each `test` builds on the state the previous one left).
 * `const step = scenarioSteps(() => h)` returns `step(fn)`, which runs `fn`; once a step has failed,
 * every later step fails at once and names that first failure, and a failing step's error carries the
 * tail of the harness's browser console.
 */
export function scenarioSteps(harness, consoleLines) {
  let broken = null;
  return async function step(fn) {
    if (broken) throw new Error(`not run: an earlier step failed (${broken})`);
    try {
      return await fn();
    } catch (e) {
      broken = e.message.split('\n')[0].slice(0, 200);
      const h = harness();
      if (h) e.message += `\nbrowser console (tail):\n${h.consoleTail(consoleLines)}`;
      throw e;
    }
  };
}
