package org.jsfu.core.room;

/** Creates the media side for a joining participant (called on the room's loop). */
@FunctionalInterface
public interface MediaSessionFactory {
    ParticipantMedia create(Room room, Participant participant);
}
