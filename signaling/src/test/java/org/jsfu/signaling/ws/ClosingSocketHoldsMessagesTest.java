package org.jsfu.signaling.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import livekit.LivekitRtc;
import org.jsfu.signaling.Grants;
import org.jsfu.signaling.SignalingSettings;
import org.junit.jupiter.api.Test;

/**
 * A socket whose close has begun (the client's close frame arrived, RFC 6455 5.5.1, or the server is refusing a
 * too-big message) still counts as active until Netty closes it, but what is written to it now is lost. The
 * participant's link must hold such messages for the resume instead of writing them into the closing socket.
 * The close frame we send back is held on its way out (as on a slow socket), so the channel stays active.
 */
class ClosingSocketHoldsMessagesTest {

    /** Holds our close frame (the write never completes, the channel stays open); passes everything else. */
    private static final class HeldClose extends ChannelOutboundHandlerAdapter {
        final List<CloseWebSocketFrame> held = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof CloseWebSocketFrame c) {
                held.add(c);
                return;
            }
            super.write(ctx, msg, promise);
        }
    }

    private static JoinValidator.Result join() {
        Grants g = new Grants("a", "a", "", null, "", true, "room", false, false, false, false, true, true, true,
                null, true, false, false, false, "", null, Long.MAX_VALUE, null);
        return new JoinValidator.Result(HttpResponseStatus.OK, null, g, null, "room", false, null, 0);
    }

    private static LivekitRtc.SignalResponse decode(Object frame) {
        BinaryWebSocketFrame b = assertInstanceOf(BinaryWebSocketFrame.class, frame);
        try {
            byte[] bytes = new byte[b.content().readableBytes()];
            b.content().readBytes(bytes);
            return LivekitRtc.SignalResponse.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        } finally {
            b.release();
        }
    }

    private static void check(Consumer<EmbeddedChannel> startClosing, WebSocketCloseStatus expectedClose) {
        EmbeddedChannel ch = new EmbeddedChannel();
        HeldClose holder = new HeldClose();
        SignalSession session = new SignalSession(ch, null, null, SignalingSettings.defaults(0), () -> 0L, join());
        ch.pipeline().addLast(holder, session);
        SignalLink link = new SignalLink(session, join(), SignalingSettings.defaults(0));

        link.sendMute("TR_before", true);
        assertEquals("TR_before", decode(ch.readOutbound()).getMute().getSid(), "an open socket carries messages");

        startClosing.accept(ch);
        assertEquals(1, holder.held.size(), "our close frame is on its way");
        assertEquals(expectedClose.code(), holder.held.get(0).statusCode());
        assertTrue(ch.isActive(), "the socket is not closed yet");

        link.sendMute("TR_during", true);
        link.sendTrackUnpublished("TR_gone");
        assertNull(ch.readOutbound(), "nothing is written into the closing socket");
        holder.held.forEach(CloseWebSocketFrame::release);
        ch.finishAndReleaseAll();
    }

    @Test
    void closeFrameFromTheClient() {
        check(ch -> ch.writeInbound(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE)),
                WebSocketCloseStatus.NORMAL_CLOSURE);
    }

    @Test
    void tooBigMessageBeingRefused() {
        check(ch -> ch.pipeline().fireExceptionCaught(new TooLongFrameException("frame too long")),
                WebSocketCloseStatus.MESSAGE_TOO_BIG);
    }
}
