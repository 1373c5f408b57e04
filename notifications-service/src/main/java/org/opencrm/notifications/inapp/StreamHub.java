package org.opencrm.notifications.inapp;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.opencrm.notifications.NotificationsProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Open SSE streams of this instance. Notifications reach a stream from the store, not from memory: a
 * notification stored by any instance is found by every instance's poll (and at once by a local nudge),
 * and a reconnecting browser's Last-Event-ID is just the sequence number to continue after.
 */
@Component
class StreamHub implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(StreamHub.class);
    private static final int BATCH = 100;

    private final InAppStore store;
    private final NotificationsProperties.Stream settings;
    private final Map<String, Set<Subscriber>> subscribers = new ConcurrentHashMap<>();
    private ScheduledExecutorService scheduler;
    private volatile boolean running;

    StreamHub(InAppStore store, NotificationsProperties properties) {
        this.store = store;
        this.settings = properties.stream();
    }

    private static final class Subscriber {
        final SseEmitter emitter;
        final String tenantId;
        final String userId;
        final ReentrantLock lock = new ReentrantLock();
        long lastSeq;

        Subscriber(SseEmitter emitter, String tenantId, String userId, long lastSeq) {
            this.emitter = emitter;
            this.tenantId = tenantId;
            this.userId = userId;
            this.lastSeq = lastSeq;
        }
    }

    /**
     * Opens a stream of the user's notifications after {@code lastEventId}; without one, only those stored
     * from now on (the list endpoint shows the past).
     */
    SseEmitter open(String tenantId, String userId, Long lastEventId) {
        var emitter = new SseEmitter(settings.timeout().toMillis());
        long start = lastEventId != null ? lastEventId : store.lastSeq(tenantId, userId);
        var subscriber = new Subscriber(emitter, tenantId, userId, start);
        String key = key(tenantId, userId);
        subscribers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(subscriber);
        Runnable remove = () -> subscribers.computeIfPresent(key, (k, set) -> {
            set.remove(subscriber);
            return set.isEmpty() ? null : set;
        });
        emitter.onCompletion(remove);
        emitter.onTimeout(remove);
        emitter.onError(e -> remove.run());
        try {
            emitter.send(SseEmitter.event().comment("connected"));
        } catch (IOException e) {
            remove.run();
        }
        if (running) {
            execute(() -> push(subscriber));
        }
        return emitter;
    }

    /** A notification was stored for the user on this instance: push it now rather than at the next poll. */
    void nudge(String tenantId, String userId) {
        var set = subscribers.get(key(tenantId, userId));
        if (set != null && running) {
            set.forEach(s -> execute(() -> push(s)));
        }
    }

    private void push(Subscriber subscriber) {
        if (!subscriber.lock.tryLock()) {
            return;
        }
        try {
            for (var n : store.after(subscriber.tenantId, subscriber.userId, subscriber.lastSeq, BATCH)) {
                subscriber.emitter.send(SseEmitter.event()
                        .id(Long.toString(n.seq()))
                        .name("notification")
                        .data(NotificationView.of(n), MediaType.APPLICATION_JSON));
                subscriber.lastSeq = n.seq();
            }
        } catch (IOException | IllegalStateException gone) {
            subscriber.emitter.completeWithError(gone);
        } catch (RuntimeException e) {
            log.warn("Could not push notifications to a stream; the next poll tries again", e);
        } finally {
            subscriber.lock.unlock();
        }
    }

    private void execute(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException stopping) {
            // streams are completed on stop; browsers reconnect with Last-Event-ID
        }
    }

    private void pollAll() {
        subscribers.values().forEach(set -> set.forEach(this::push));
    }

    private void heartbeat() {
        subscribers
                .values()
                .forEach(set -> set.forEach(s -> {
                    try {
                        s.emitter.send(SseEmitter.event().comment("keep-alive"));
                    } catch (IOException | IllegalStateException gone) {
                        s.emitter.completeWithError(gone);
                    }
                }));
    }

    private static String key(String tenantId, String userId) {
        return tenantId + ":" + userId;
    }

    @Override
    public void start() {
        scheduler = Executors.newScheduledThreadPool(
                2, Thread.ofPlatform().name("sse-", 0).daemon().factory());
        running = true;
        long poll = settings.pollInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::pollAll, poll, poll, TimeUnit.MILLISECONDS);
        long beat = settings.heartbeat().toMillis();
        scheduler.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        running = false;
        subscribers.values().forEach(set -> set.forEach(s -> s.emitter.complete()));
        scheduler.shutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
