package org.appealdesk.cli.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Every garbage collection while it listens, with its duration: a text acknowledgement that waits
 * out a stop-the-world pause shows in the latency tail, and this says how long the pauses were.
 * (The JVM reports a collection's duration; for the serial and parallel collectors that is the pause.)
 */
final class GcPauses implements NotificationListener, AutoCloseable {

    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private long count;
    private long totalMs;
    private long maxMs;

    /** Summary of the collections seen. */
    record Result(long collections, long totalMs, long maxMs) {
    }

    GcPauses() {
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(this, null, null);
                emitters.add(emitter);
            }
        }
    }

    @Override
    public void handleNotification(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        long duration = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()).getGcInfo().getDuration();
        synchronized (this) {
            count++;
            totalMs += duration;
            maxMs = Math.max(maxMs, duration);
        }
    }

    synchronized Result result() {
        return new Result(count, totalMs, maxMs);
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(this);
            } catch (ListenerNotFoundException e) {
                // Already gone: nothing to undo.
            }
        }
    }
}
