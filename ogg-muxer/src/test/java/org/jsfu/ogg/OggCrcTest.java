package org.jsfu.ogg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class OggCrcTest {
    /** OpusHead BOS page written by ffmpeg 5 (libogg) for a mono 48 kHz stream; CRC field at bytes 22..25. */
    private static final String FFMPEG_PAGE =
            "4f676753000200000000000000000ff09251000000002076d4f901134f707573486561640101380180bb0000000000";

    @Test
    void matchesCrcOfPageWrittenByLibogg() {
        byte[] page = HexFormat.of().parseHex(FFMPEG_PAGE);
        int stored = OggOpusReader.le32(page, 22);
        page[22] = page[23] = page[24] = page[25] = 0;
        assertEquals(stored, OggCrc.update(0, page, 0, page.length));
        assertEquals(0xf9d47620, stored);
    }

    @Test
    void crcOfSingleByteIsTableEntryOfDirectPolynomial() {
        // direct (non-reflected) CRC of 0x01 with init 0 is the polynomial itself
        assertEquals(0x04c11db7, OggCrc.update(0, new byte[] {1}, 0, 1));
        assertEquals(0, OggCrc.update(0, new byte[] {0, 0, 0}, 0, 3));
    }
}
