package org.jsfu.signaling.ws;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;
import livekit.LivekitRtc;

/**
 * SignalRequest / SignalResponse framing (livekit-protocol.md 1.3): one protobuf message per binary WS
 * frame; text frames carry protojson and are answered in protojson.
 */
public final class SignalCodec {
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

    private SignalCodec() {}

    /** Decodes a binary frame payload; null when it is not a valid SignalRequest. */
    public static LivekitRtc.SignalRequest decodeBinary(ByteBuf content) {
        try (ByteBufInputStream in = new ByteBufInputStream(content.duplicate())) {
            return LivekitRtc.SignalRequest.parseFrom(in);
        } catch (IOException e) {
            return null;
        }
    }

    /** Decodes a protojson text frame; null when invalid. */
    public static LivekitRtc.SignalRequest decodeText(String text) {
        try {
            LivekitRtc.SignalRequest.Builder b = LivekitRtc.SignalRequest.newBuilder();
            PARSER.merge(text, b);
            return b.build();
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return null;
        }
    }

    public static WebSocketFrame encode(LivekitRtc.SignalResponse msg, boolean json) {
        if (json) {
            try {
                return new TextWebSocketFrame(PRINTER.print(msg));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("cannot print SignalResponse", e);
            }
        }
        return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(msg.toByteArray()));
    }
}
