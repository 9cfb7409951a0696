package org.jsfu.signaling.twirp;

import com.google.protobuf.Message;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import livekit.LivekitModels;
import livekit.LivekitRoom;
import org.jsfu.core.room.Participant;
import org.jsfu.core.room.RoomManager;
import org.jsfu.core.room.RoomOptions;
import org.jsfu.core.room.TrackInfo;
import org.jsfu.signaling.Grants;
import org.jsfu.signaling.SignalingSettings;
import org.jsfu.signaling.proto.ProtoMapper;

/**
 * livekit.RoomService over the room model, with the grant checks of the Go server: CreateRoom and
 * DeleteRoom need roomCreate, ListRooms roomList, everything else roomAdmin for exactly that room.
 */
public final class RoomServiceApi {
    private static final String SVC = "livekit.RoomService/";

    private final RoomManager rooms;
    private final SignalingSettings limits;

    public RoomServiceApi(RoomManager rooms, SignalingSettings limits) {
        this.rooms = rooms;
        this.limits = limits;
    }

    public Map<String, TwirpHandler.Method> methods() {
        Map<String, TwirpHandler.Method> m = new HashMap<>();
        add(m, "CreateRoom", LivekitRoom.CreateRoomRequest.getDefaultInstance(), this::createRoom);
        add(m, "ListRooms", LivekitRoom.ListRoomsRequest.getDefaultInstance(), this::listRooms);
        add(m, "DeleteRoom", LivekitRoom.DeleteRoomRequest.getDefaultInstance(), this::deleteRoom);
        add(m, "ListParticipants", LivekitRoom.ListParticipantsRequest.getDefaultInstance(), this::listParticipants);
        add(m, "GetParticipant", LivekitRoom.RoomParticipantIdentity.getDefaultInstance(), this::getParticipant);
        add(m, "RemoveParticipant", LivekitRoom.RoomParticipantIdentity.getDefaultInstance(), this::removeParticipant);
        add(m, "MutePublishedTrack", LivekitRoom.MuteRoomTrackRequest.getDefaultInstance(), this::muteTrack);
        add(m, "UpdateParticipant", LivekitRoom.UpdateParticipantRequest.getDefaultInstance(), this::updateParticipant);
        add(m, "UpdateSubscriptions", LivekitRoom.UpdateSubscriptionsRequest.getDefaultInstance(),
                this::updateSubscriptions);
        add(m, "SendData", LivekitRoom.SendDataRequest.getDefaultInstance(), this::sendData);
        add(m, "UpdateRoomMetadata", LivekitRoom.UpdateRoomMetadataRequest.getDefaultInstance(), this::updateRoomMetadata);
        add(m, "ForwardParticipant", LivekitRoom.ForwardParticipantRequest.getDefaultInstance(), this::forward);
        add(m, "MoveParticipant", LivekitRoom.MoveParticipantRequest.getDefaultInstance(), this::move);
        return m;
    }

    @SuppressWarnings("unchecked")
    private static <Q extends Message> void add(Map<String, TwirpHandler.Method> m, String name, Q proto,
                                                BiFunction<Grants, Q, CompletableFuture<? extends Message>> fn) {
        m.put(SVC + name, new TwirpHandler.Method(proto, (g, req) -> fn.apply(g, (Q) req)));
    }

    private static void requireAdmin(Grants g, String room) {
        if (g == null || !g.adminOf(room)) {
            throw TwirpException.permissionDenied();
        }
    }

    private static void requireRoomCreate(Grants g) {
        if (g == null || !g.roomCreate()) {
            throw TwirpException.permissionDenied();
        }
    }

    private void checkRoomName(String name) {
        if (name.isEmpty()) {
            throw TwirpException.invalid("room name cannot be empty");
        }
        if (limits.maxRoomNameLength() > 0 && name.length() > limits.maxRoomNameLength()) {
            throw TwirpException.invalid("room name length exceeds limits");
        }
    }

    private void checkMetadata(String metadata) {
        if (limits.maxMetadataSize() > 0 && metadata.length() > limits.maxMetadataSize()) {
            throw TwirpException.invalid("metadata size exceeds limits");
        }
    }

    private void checkAttributes(Map<String, String> attrs) {
        int size = 0;
        for (Map.Entry<String, String> e : attrs.entrySet()) {
            size += e.getKey().length() + e.getValue().length();
        }
        if (limits.maxAttributesSize() > 0 && size > limits.maxAttributesSize()) {
            throw TwirpException.invalid("attributes size exceeds limits");
        }
    }

    private CompletableFuture<LivekitModels.Room> createRoom(Grants g, LivekitRoom.CreateRoomRequest r) {
        requireRoomCreate(g);
        checkRoomName(r.getName());
        checkMetadata(r.getMetadata());
        RoomOptions opts = new RoomOptions(r.getEmptyTimeout(), r.getDepartureTimeout(), r.getMaxParticipants(),
                r.getMetadata(), r.hasEgress() ? ProtoMapper.egress(r.getEgress()) : null);
        return rooms.createRoom(r.getName(), opts).thenApply(ProtoMapper::room);
    }

    private CompletableFuture<LivekitRoom.ListRoomsResponse> listRooms(Grants g, LivekitRoom.ListRoomsRequest r) {
        if (g == null || !g.roomList()) {
            throw TwirpException.permissionDenied();
        }
        return rooms.listRooms(r.getNamesList()).thenApply(list -> {
            LivekitRoom.ListRoomsResponse.Builder b = LivekitRoom.ListRoomsResponse.newBuilder();
            list.forEach(ri -> b.addRooms(ProtoMapper.room(ri)));
            return b.build();
        });
    }

    private CompletableFuture<LivekitRoom.DeleteRoomResponse> deleteRoom(Grants g, LivekitRoom.DeleteRoomRequest r) {
        requireRoomCreate(g);
        return rooms.deleteRoom(r.getRoom()).thenApply(v -> LivekitRoom.DeleteRoomResponse.getDefaultInstance());
    }

    private CompletableFuture<LivekitRoom.ListParticipantsResponse> listParticipants(
            Grants g, LivekitRoom.ListParticipantsRequest r) {
        requireAdmin(g, r.getRoom());
        return rooms.withRoom(r.getRoom(), room -> {
            LivekitRoom.ListParticipantsResponse.Builder b = LivekitRoom.ListParticipantsResponse.newBuilder();
            room.participants().forEach(p -> b.addParticipants(ProtoMapper.participant(p.info())));
            return b.build();
        });
    }

    private static Participant participant(org.jsfu.core.room.Room room, String identity) {
        Participant p = room.participant(identity);
        if (p == null) {
            throw new TwirpException("not_found", "participant not found");
        }
        return p;
    }

    private CompletableFuture<LivekitModels.ParticipantInfo> getParticipant(
            Grants g, LivekitRoom.RoomParticipantIdentity r) {
        requireAdmin(g, r.getRoom());
        return rooms.withRoom(r.getRoom(), room -> ProtoMapper.participant(participant(room, r.getIdentity()).info()));
    }

    private CompletableFuture<LivekitRoom.RemoveParticipantResponse> removeParticipant(
            Grants g, LivekitRoom.RoomParticipantIdentity r) {
        requireAdmin(g, r.getRoom());
        return rooms.withRoom(r.getRoom(), room -> {
            participant(room, r.getIdentity()).disconnect(org.jsfu.core.room.DisconnectReason.PARTICIPANT_REMOVED, true);
            return LivekitRoom.RemoveParticipantResponse.getDefaultInstance();
        });
    }

    private CompletableFuture<LivekitRoom.MuteRoomTrackResponse> muteTrack(Grants g, LivekitRoom.MuteRoomTrackRequest r) {
        requireAdmin(g, r.getRoom());
        return rooms.withRoom(r.getRoom(), room -> {
            Participant p = participant(room, r.getIdentity());
            TrackInfo t = p.setTrackMuted(r.getTrackSid(), r.getMuted(), true);
            if (t == null) {
                throw new TwirpException("not_found", "track not found");
            }
            return LivekitRoom.MuteRoomTrackResponse.newBuilder().setTrack(ProtoMapper.track(t)).build();
        });
    }

    private CompletableFuture<LivekitModels.ParticipantInfo> updateParticipant(
            Grants g, LivekitRoom.UpdateParticipantRequest r) {
        requireAdmin(g, r.getRoom());
        checkMetadata(r.getMetadata());
        checkAttributes(r.getAttributesMap());
        if (limits.maxIdentityLength() > 0 && r.getName().length() > limits.maxIdentityLength()) {
            throw TwirpException.invalid("name length exceeds limits");
        }
        return rooms.withRoom(r.getRoom(), room -> {
            Participant p = participant(room, r.getIdentity());
            p.updateMetadata(r.getName().isEmpty() ? null : r.getName(), r.getMetadata().isEmpty() ? null : r.getMetadata(),
                    r.getAttributesMap());
            if (r.hasPermission()) {
                p.setPermission(ProtoMapper.permission(r.getPermission()));
            }
            return ProtoMapper.participant(p.info());
        });
    }

    private CompletableFuture<LivekitRoom.UpdateSubscriptionsResponse> updateSubscriptions(
            Grants g, LivekitRoom.UpdateSubscriptionsRequest r) {
        requireAdmin(g, r.getRoom());
        return rooms.withRoom(r.getRoom(), room -> {
            Participant p = participant(room, r.getIdentity());
            List<String> sids = new java.util.ArrayList<>(r.getTrackSidsList());
            r.getParticipantTracksList().forEach(pt -> sids.addAll(pt.getTrackSidsList()));
            room.updateSubscriptions(p, sids, r.getSubscribe());
            return LivekitRoom.UpdateSubscriptionsResponse.getDefaultInstance();
        });
    }

    private CompletableFuture<LivekitRoom.SendDataResponse> sendData(Grants g, LivekitRoom.SendDataRequest r) {
        requireAdmin(g, r.getRoom());
        if (!r.getNonce().isEmpty() && r.getNonce().size() != 16) {
            throw TwirpException.invalid("nonce should be 16-bytes or not present");
        }
        LivekitModels.UserPacket.Builder user = LivekitModels.UserPacket.newBuilder()
                .setPayload(r.getData())
                .addAllDestinationSids(r.getDestinationSidsList())
                .addAllDestinationIdentities(r.getDestinationIdentitiesList())
                .setNonce(r.getNonce());
        if (r.hasTopic()) {
            user.setTopic(r.getTopic());
        }
        byte[] packet = LivekitModels.DataPacket.newBuilder()
                .setKind(r.getKind())
                .addAllDestinationIdentities(r.getDestinationIdentitiesList())
                .setUser(user)
                .build().toByteArray();
        boolean reliable = r.getKind() == LivekitModels.DataPacket.Kind.RELIABLE;
        return rooms.withRoom(r.getRoom(), room -> {
            room.sendData(packet, reliable, r.getDestinationSidsList(), r.getDestinationIdentitiesList(), "");
            return LivekitRoom.SendDataResponse.getDefaultInstance();
        });
    }

    private CompletableFuture<LivekitModels.Room> updateRoomMetadata(Grants g, LivekitRoom.UpdateRoomMetadataRequest r) {
        requireAdmin(g, r.getRoom());
        checkMetadata(r.getMetadata());
        return rooms.withRoom(r.getRoom(), room -> {
            room.setMetadata(r.getMetadata());
            return ProtoMapper.room(room.info());
        });
    }

    private CompletableFuture<Message> forward(Grants g, LivekitRoom.ForwardParticipantRequest r) {
        requireAdmin(g, r.getRoom());
        requireDestination(g, r.getDestinationRoom());
        throw new TwirpException("unimplemented", "forwarding participants needs multiple nodes");
    }

    private CompletableFuture<Message> move(Grants g, LivekitRoom.MoveParticipantRequest r) {
        requireAdmin(g, r.getRoom());
        requireDestination(g, r.getDestinationRoom());
        throw new TwirpException("unimplemented", "moving participants is not supported");
    }

    /** LiveKit once checked only the source room of move/forward; the destination needs the grant too. */
    private static void requireDestination(Grants g, String destination) {
        if (g.destinationRoom() == null || !g.destinationRoom().equals(destination)) {
            throw TwirpException.permissionDenied();
        }
    }

}
