package org.jsfu.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

class NodeTestRunnerTest {
    @TempDir
    Path dir;

    @Test
    void passingFileSeesEnvAndPasses() throws Exception {
        Files.writeString(dir.resolve("ok.test.mjs"), """
                import { test } from 'node:test';
                import assert from 'node:assert/strict';
                test('env arrives', () => assert.equal(process.env.JSFU_PROBE, 'hello'));
                """);
        NodeTestRunner.Result r = new NodeTestRunner(dir).env("JSFU_PROBE", "hello").run("ok.test.mjs");
        assertTrue(r.passed(), r.tailText());
        assertTrue(r.tailText().contains("env arrives"), r.tailText());
    }

    @Test
    void failingFileFailsTheJUnitTestWithNodeOutput() throws Exception {
        Files.writeString(dir.resolve("bad.test.mjs"), """
                import { test } from 'node:test';
                import assert from 'node:assert/strict';
                test('wrong', () => assert.equal(1 + 1, 3, 'arithmetic-marker'));
                """);
        NodeTestRunner runner = new NodeTestRunner(dir);
        NodeTestRunner.Result r = runner.run("bad.test.mjs");
        assertFalse(r.passed());
        assertFalse(r.timedOut());
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> runner.runAndAssertPass("bad.test.mjs"));
        assertTrue(e.getMessage().contains("arithmetic-marker"), e.getMessage());
    }

    @Test
    void hangingFileIsKilledAtTheTimeout() throws Exception {
        Files.writeString(dir.resolve("hang.test.mjs"), """
                import { test } from 'node:test';
                import { spawn } from 'node:child_process';
                test('hangs', async () => {
                  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
                  console.log('child-pid=' + child.pid);
                  await new Promise(() => {});
                });
                """);
        long t0 = System.nanoTime();
        NodeTestRunner.Result r = new NodeTestRunner(dir).timeout(Duration.ofSeconds(3)).run("hang.test.mjs");
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(r.timedOut());
        assertEquals(-1, r.exitCode());
        assertTrue(tookMs < 20_000, "took " + tookMs + " ms");
        String pidLine = r.tail().stream().filter(l -> l.contains("child-pid=")).findFirst().orElseThrow();
        long pid = Long.parseLong(pidLine.replaceAll(".*child-pid=(\\d+).*", "$1"));
        // killed at once; being reaped by init (it was reparented) can take a moment
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "grandchild " + pid + " still alive");
    }

    @Test
    void findsTheRepositoryE2eFolder() {
        assertTrue(Files.isRegularFile(NodeTestRunner.e2eDir().resolve("tests/harness-selftest.test.mjs")));
    }
}
