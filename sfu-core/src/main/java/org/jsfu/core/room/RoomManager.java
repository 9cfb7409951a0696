package org.jsfu.core.room;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Rooms by name. Thread-safe entry point: every operation runs on the room's loop and answers through a
 * CompletableFuture. Rooms are pinned to loops round robin at creation.
 */
public final class RoomManager implements AutoCloseable {
    private final MediaLoops loops;
    private final RoomDefaults defaults;
    private final MediaSessionFactory mediaFactory;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
    private final List<RoomListener> listeners = new CopyOnWriteArrayList<>();
    private volatile DataPacketRouter dataRouter;

    public RoomManager(MediaLoops loops, RoomDefaults defaults, MediaSessionFactory mediaFactory, LongSupplier clockMs) {
        this.loops = loops;
        this.defaults = defaults;
        this.mediaFactory = mediaFactory;
        this.clock = clockMs;
    }

    public RoomDefaults defaults() { return defaults; }

    MediaSessionFactory mediaFactory() { return mediaFactory; }

    List<RoomListener> listeners() { return listeners; }

    /** Adds a listener for every room (add them before rooms exist; called on room loops). */
    public void addListener(RoomListener l) { listeners.add(l); }

    /** How client data packets are checked and stamped; without one, client data is dropped. */
    public void setDataPacketRouter(DataPacketRouter r) { this.dataRouter = r; }

    DataPacketRouter dataRouter() { return dataRouter; }

    /** The live room, or null. Its state may only be read on {@code room.loop()}. */
    public Room room(String name) { return rooms.get(name); }

    public boolean exists(String name) { return rooms.containsKey(name); }

    /** Rooms in the map (open, or closing on their loop right now); for tests and metrics. */
    public int roomCount() { return rooms.size(); }

    /** Creates the room or returns the existing one; room_started fires on creation. */
    public CompletableFuture<RoomInfo> createRoom(String name, RoomOptions opts) {
        return withRoomRetry(name, opts, true, Room::info);
    }

    public CompletableFuture<List<RoomInfo>> listRooms(Collection<String> names) {
        List<CompletableFuture<RoomInfo>> parts = new ArrayList<>();
        for (Room r : rooms.values()) {
            if (names == null || names.isEmpty() || names.contains(r.name())) {
                parts.add(r.loop().submit(() -> r.closed() ? null : r.info()));
            }
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<RoomInfo> out = new ArrayList<>();
            for (CompletableFuture<RoomInfo> f : parts) {
                RoomInfo ri = f.join();
                if (ri != null) {
                    out.add(ri);
                }
            }
            return out;
        });
    }

    /** Closes the room (ROOM_DELETED to everybody); NOT_FOUND when it does not exist. */
    public CompletableFuture<Void> deleteRoom(String name) {
        return withRoom(name, r -> {
            r.close(DisconnectReason.ROOM_DELETED);
            return null;
        });
    }

    /** Runs {@code fn} on the room's loop; fails with NOT_FOUND when the room does not exist. */
    public <T> CompletableFuture<T> withRoom(String name, Function<Room, T> fn) {
        Room r = rooms.get(name);
        if (r == null) {
            return CompletableFuture.failedFuture(notFound());
        }
        return r.loop().submit(() -> {
            if (r.closed()) {
                throw notFound();
            }
            return fn.apply(r);
        });
    }

    /**
     * Joins {@code req.identity()} to the room, creating it with {@code req.roomOptions()} when it does
     * not exist and {@code mayCreate} (auto_create) allows.
     */
    public CompletableFuture<Participant> join(String roomName, JoinRequest req, SignalSink sink, boolean mayCreate) {
        return withRoomRetry(roomName, req.roomOptions(), mayCreate, r -> r.join(req, sink));
    }

    private <T> CompletableFuture<T> withRoomRetry(String name, RoomOptions opts, boolean mayCreate,
                                                   Function<Room, T> fn) {
        return attempt(name, opts, mayCreate, fn, 3);
    }

    private <T> CompletableFuture<T> attempt(String name, RoomOptions opts, boolean mayCreate, Function<Room, T> fn,
                                             int triesLeft) {
        Room r = mayCreate ? rooms.computeIfAbsent(name, n -> {
            Room created = new Room(this, loops.next(), clock, n, opts == null ? RoomOptions.defaults() : opts,
                    defaults);
            created.loop().post(created::start);
            return created;
        }) : rooms.get(name);
        if (r == null) {
            return CompletableFuture.failedFuture(notFound());
        }
        return r.loop().submit(() -> {
            if (r.closed()) {
                throw new RoomException(RoomException.Code.CLOSED, "room closed");
            }
            return fn.apply(r);
        }).handle((v, err) -> {
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            if (cause instanceof RoomException re && re.code() == RoomException.Code.CLOSED && triesLeft > 0) {
                return attempt(name, opts, mayCreate, fn, triesLeft - 1);
            }
            return err == null ? CompletableFuture.completedFuture(v) : CompletableFuture.<T>failedFuture(cause);
        }).thenCompose(f -> f);
    }

    void roomClosed(Room r) {
        rooms.remove(r.name(), r);
    }

    private static RoomException notFound() {
        return new RoomException(RoomException.Code.NOT_FOUND, "requested room does not exist");
    }

    /** Closes every room with SERVER_SHUTDOWN and waits for it. */
    @Override
    public void close() {
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (Room r : rooms.values()) {
            fs.add(r.loop().submit(() -> {
                r.close(DisconnectReason.SERVER_SHUTDOWN);
                return null;
            }));
        }
        try {
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // best effort on shutdown
        }
    }
}
