package org.jsfu.bench.egress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The floor for the bytes the egresses wrote: {@code files} files, each getting {@code bytesPerSec} once a
 * second (the recorder's page rate) with one plain {@link FileChannel#write} from one thread, for
 * {@code seconds}; measured with the same {@link ProcessMeter} (the rest of the process is idle then).
 */
public final class FileChannelBaseline {
    private FileChannelBaseline() {}

    public static ProcessMeter.Window run(Path dir, int files, long bytesPerSec, int seconds, ProcessMeter meter)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        FileChannel[] ch = new FileChannel[files];
        for (int i = 0; i < files; i++) {
            ch[i] = FileChannel.open(dir.resolve("f" + i), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        }
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.max(1, bytesPerSec));
        meter.start();
        long next = System.nanoTime();
        for (int s = 0; s < seconds; s++) {
            for (int i = 0; i < files; i++) {
                buf.clear();
                while (buf.hasRemaining()) ch[i].write(buf);
            }
            next += 1_000_000_000L;
            long sleep = next - System.nanoTime();
            if (sleep > 0) Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
        }
        ProcessMeter.Window w = meter.stop();
        for (FileChannel c : ch) c.close();
        for (int i = 0; i < files; i++) Files.deleteIfExists(dir.resolve("f" + i));
        return w;
    }
}
