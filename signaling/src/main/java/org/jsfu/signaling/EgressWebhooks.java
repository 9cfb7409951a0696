package org.jsfu.signaling;

import java.util.function.Consumer;
import java.util.function.LongSupplier;
import livekit.LivekitWebhook;
import org.jsfu.core.room.Sids;
import org.jsfu.egress.EgressInfo;
import org.jsfu.egress.EgressManager;
import org.jsfu.signaling.proto.EgressMapper;

/**
 * egress_started (STARTING), egress_updated (ACTIVE, ENDING) and egress_ended (COMPLETE, FAILED, ABORTED)
 * webhooks. Called in order per egress; the notifier keeps that order (its key is the egress id).
 */
public final class EgressWebhooks implements EgressManager.Listener {
    private final Consumer<LivekitWebhook.WebhookEvent> sender;
    private final LongSupplier clock;

    public EgressWebhooks(Consumer<LivekitWebhook.WebhookEvent> sender, LongSupplier clockMs) {
        this.sender = sender;
        this.clock = clockMs;
    }

    @Override
    public void onEgressUpdate(EgressInfo info) {
        String name = switch (info.status()) {
            case STARTING -> "egress_started";
            case ACTIVE, ENDING -> "egress_updated";
            case COMPLETE, FAILED, ABORTED -> "egress_ended";
        };
        sender.accept(LivekitWebhook.WebhookEvent.newBuilder()
                .setEvent(name)
                .setId(Sids.random("EV_"))
                .setCreatedAt(clock.getAsLong() / 1000)
                .setEgressInfo(EgressMapper.info(info))
                .build());
    }
}
