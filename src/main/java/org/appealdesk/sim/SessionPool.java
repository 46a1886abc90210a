package org.appealdesk.sim;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jsmpp.bean.BindType;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.SMPPServerSession;

/**
 * The bound ESME sessions, and the round-robin choice of which one gets the next deliver_sm.
 * Each session has its own window of {@code windowSize} deliver_sm in flight, as an SMPP window
 * is per bind. Sessions that stopped being bound are pruned whenever they are met, so a missed
 * state-change event cannot leave a dead session in the rotation.
 */
final class SessionPool {

    /** More binds than this from one ESME is a reconnect loop, not a configuration. */
    static final int SESSIONS_MAX = 16;
    /** How long one idle wait for a free window lasts before the caller looks at its own state. */
    private static final long SIGNAL_WAIT_MS = 10;

    /** One bound session: its jSMPP session, bind type and deliver window. */
    record Bound(String label, DeliveringSession session, BindType bindType, Semaphore window) {
        boolean canReceive() {
            SessionState state = session.getSessionState();
            return bindType.isReceivable() && state.isBound() && state.isReceivable();
        }
    }

    private final int windowSize;
    private final CopyOnWriteArrayList<Bound> sessions = new CopyOnWriteArrayList<>();
    private final Object signal = new Object();
    private int cursor;

    SessionPool(int windowSize) {
        this.windowSize = windowSize;
    }

    /** Adds a freshly bound session; null when {@link #SESSIONS_MAX} are already bound. */
    synchronized Bound add(String label, DeliveringSession session, BindType bindType) {
        prune();
        if (sessions.size() >= SESSIONS_MAX) {
            return null;
        }
        Bound bound = new Bound(label, session, bindType, new Semaphore(windowSize));
        sessions.add(bound);
        wake();
        return bound;
    }

    void remove(SMPPServerSession session) {
        sessions.removeIf(b -> b.session() == session);
    }

    int size() {
        prune();
        return sessions.size();
    }

    List<Bound> all() {
        return List.copyOf(sessions);
    }

    /**
     * The next session, round robin, that can receive and has a free window slot, with that slot
     * taken; waits at most {@code waitMs}, then returns null.
     */
    Bound acquireReceiver(long waitMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        while (true) {
            Bound bound = tryAcquireReceiver();
            if (bound != null) {
                return bound;
            }
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remainingMs <= 0) {
                return null;
            }
            synchronized (signal) {
                signal.wait(Math.min(remainingMs, SIGNAL_WAIT_MS));
            }
        }
    }

    void release(Bound bound) {
        bound.window().release();
        wake();
    }

    /** The next session, round robin, that can receive and has a free window slot, with that slot taken; null at once if none. */
    synchronized Bound tryAcquireReceiver() {
        int n = sessions.size();
        for (int i = 0; i < n; i++) {
            int index = (cursor + i) % n;
            Bound bound = sessions.get(index);
            if (bound.canReceive() && bound.window().tryAcquire()) {
                cursor = index + 1;
                return bound;
            }
        }
        prune();
        return null;
    }

    private void prune() {
        sessions.removeIf(b -> !b.session().getSessionState().isNotClosed() || b.session().getSessionState() == SessionState.UNBOUND);
    }

    private void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }
}
