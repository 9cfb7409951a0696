package org.jsfu.core.sdp;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Mutated browser SDP must either be answered or fail with SdpParseException, never anything else. */
class SdpRobustnessTest {
    private static final String[] JUNK = {"a=rtpmap:96", "a=fmtp:", "a=extmap:x y", "a=ssrc:abc cname:x",
        "a=ssrc-group:FID", "a=msid:", "a=rid:", "a=simulcast:", "m=video", "a=setup:", "a=fingerprint:",
        "a=mid:", "a=rtcp-fb:", "c=", "a=sctp-port:x", "a=extmap:500 urn:x", "a=rtpmap:96 VP8/0", "x"};

    @Test
    void mutatedOffersFailOnlyWithSdpParseException() {
        Random random = new Random(20261125L);
        for (String fixture : List.of("chrome-audio-offer.sdp", "chrome-av-simulcast-offer.sdp")) {
            List<String> lines = Arrays.asList(SdpFixtures.load(fixture).split("\r\n"));
            for (int round = 0; round < 1000; round++) {
                List<String> mutated = new ArrayList<>(lines);
                int edits = 1 + random.nextInt(3);
                for (int e = 0; e < edits; e++) {
                    int i = 1 + random.nextInt(mutated.size() - 1);
                    switch (random.nextInt(4)) {
                        case 0 -> mutated.remove(i);
                        case 1 -> mutated.set(i, JUNK[random.nextInt(JUNK.length)]);
                        case 2 -> mutated.add(i, JUNK[random.nextInt(JUNK.length)]);
                        default -> mutated.set(i, mutated.get(i).substring(0, random.nextInt(mutated.get(i).length() + 1)));
                    }
                }
                String text = String.join("\r\n", mutated) + "\r\n";
                try {
                    PublisherAnswer a = SdpNegotiator.answerPublisherOffer(text, SdpFixtures.LOCAL, CodecPolicy.defaults());
                    Sdp.parse(a.sdp());
                } catch (SdpParseException expected) {
                    // a clear rejection is fine
                } catch (RuntimeException unexpected) {
                    fail("unexpected " + unexpected + " for\n" + text, unexpected);
                }
            }
        }
    }
}
