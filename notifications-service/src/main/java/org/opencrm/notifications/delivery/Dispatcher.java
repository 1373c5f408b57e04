package org.opencrm.notifications.delivery;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.notifications.NotificationsProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Lazy;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Component;

/**
 * Sends due deliveries. Every instance runs one; they share the work through {@link Deliveries#claim}, a
 * findAndModify that leases one delivery to one instance, so two instances never send the same delivery
 * while both are alive.
 *
 * <p>Each channel has its own bulkhead (a fixed number of concurrent sends; the loop claims no more than
 * it can start), its own circuit breaker (webhooks: one per subscription) and a short retry for failures
 * where nothing left this service. Longer outages are bridged by the delivery's own schedule: exponential
 * back-off from {@code backoffInitial} to {@code backoffMax}, given up after {@code giveUpAfter}.
 *
 * <p>A crash after the channel accepted a message and before the delivery was marked SENT makes another
 * instance send it again once the lease ({@code lease}, 60 s) expires: at most one extra copy per crash,
 * never a loss. Receivers can recognise it: the delivery id travels as the e-mail's Message-ID, the SMS
 * provider's reference and the webhook's {@code X-CRM-Delivery} header.
 */
@Component
class Dispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final Deliveries deliveries;
    private final Map<NotificationChannel, ChannelSender> senders = new EnumMap<>(NotificationChannel.class);
    private final Map<NotificationChannel, Bulkhead> bulkheads = new EnumMap<>(NotificationChannel.class);
    private final CircuitBreakerRegistry breakers;
    private final Retry retry;
    private final IntervalFunction backoff;
    private final Clock clock;
    private final NotificationsProperties.Dispatch settings;
    private final String instanceId = UUID.randomUUID().toString();
    private volatile ExecutorService workers;
    private ScheduledExecutorService scheduler;
    private final AtomicBoolean polling = new AtomicBoolean();
    private volatile boolean running;

    Dispatcher(
            @Lazy Deliveries deliveries, List<ChannelSender> senders, Clock clock, NotificationsProperties properties) {
        this.deliveries = deliveries;
        this.clock = clock;
        this.settings = properties.dispatch();
        for (ChannelSender sender : senders) {
            this.senders.put(sender.channel(), sender);
            this.bulkheads.put(
                    sender.channel(),
                    Bulkhead.of(
                            sender.channel().name(),
                            BulkheadConfig.custom()
                                    .maxConcurrentCalls(settings.concurrency())
                                    .maxWaitDuration(Duration.ZERO)
                                    .build()));
        }
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(10)
                .minimumNumberOfCalls(3)
                .failureRateThreshold(50)
                .waitDurationInOpenState(settings.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
        this.retry = Retry.of(
                "unreachable",
                RetryConfig.custom()
                        .maxAttempts(2)
                        .waitDuration(Duration.ofMillis(200))
                        .retryOnException(e -> e instanceof SendFailure f && f.nothingSent())
                        .build());
        this.backoff = IntervalFunction.ofExponentialBackoff(
                settings.backoffInitial(), settings.backoffMultiplier(), settings.backoffMax());
    }

    /** Lets a component that just queued a delivery wake the local dispatcher instead of waiting a poll. */
    @Component
    static class Nudge {
        private final Dispatcher dispatcher;

        Nudge(@Lazy Dispatcher dispatcher) {
            this.dispatcher = dispatcher;
        }

        void nudge() {
            dispatcher.nudge();
        }
    }

    void nudge() {
        if (running) {
            try {
                scheduler.execute(this::poll);
            } catch (RejectedExecutionException stopping) {
                // the next start polls anyway
            }
        }
    }

    void poll() {
        if (!polling.compareAndSet(false, true)) {
            return;
        }
        try {
            for (var entry : senders.entrySet()) {
                Bulkhead bulkhead = bulkheads.get(entry.getKey());
                while (running && bulkhead.tryAcquirePermission()) {
                    Optional<Delivery> claimed;
                    try {
                        claimed = deliveries.claim(entry.getKey(), instanceId);
                    } catch (RuntimeException e) {
                        bulkhead.releasePermission();
                        throw e;
                    }
                    if (claimed.isEmpty()) {
                        bulkhead.releasePermission();
                        break;
                    }
                    try {
                        workers.execute(() -> {
                            try {
                                process(claimed.get(), entry.getValue());
                            } finally {
                                bulkhead.onComplete();
                            }
                        });
                    } catch (RejectedExecutionException stopping) {
                        // Stopping: the claim's lease runs out and this or another instance sends it then.
                        bulkhead.releasePermission();
                        break;
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("Polling for due deliveries failed; trying again at the next poll", e);
        } finally {
            polling.set(false);
        }
    }

    private void process(Delivery delivery, ChannelSender sender) {
        try {
            attempt(delivery, sender);
        } catch (OptimisticLockingFailureException e) {
            log.warn("Delivery {} was taken over by another instance before it was settled here", delivery.getId());
        } catch (RuntimeException e) {
            log.error(
                    "Delivery {} could not be processed; its lease will expire and it is retried", delivery.getId(), e);
        }
    }

    private void attempt(Delivery delivery, ChannelSender sender) {
        Instant now = clock.instant();
        String refusal = sender.refuse(delivery);
        if (refusal != null) {
            settle(delivery, d -> d.failed(null, refusal));
            return;
        }
        if (now.isAfter(delivery.giveUpAt())) {
            settle(delivery, d -> d.failed(null, "RETRIES_EXHAUSTED"));
            return;
        }
        CircuitBreaker breaker = breakers.circuitBreaker(sender.breakerName(delivery));
        if (!breaker.tryAcquirePermission()) {
            settle(delivery, d -> d.postpone(now.plus(settings.breakerOpenFor()), "CIRCUIT_OPEN"));
            return;
        }
        long started = System.nanoTime();
        try {
            Integer status = retry.executeCallable(() -> sender.send(delivery));
            long nanos = System.nanoTime() - started;
            breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
            var attempt = new Attempt(clock.instant(), "SENT", status, TimeUnit.NANOSECONDS.toMillis(nanos));
            settle(delivery, d -> d.sent(attempt));
            sender.afterAttempt(delivery, true);
        } catch (Exception e) {
            long nanos = System.nanoTime() - started;
            SendFailure failure = e instanceof SendFailure f ? f : SendFailure.transientFailure("ERROR", null, e);
            var attempt = new Attempt(
                    clock.instant(), failure.code(), failure.httpStatus(), TimeUnit.NANOSECONDS.toMillis(nanos));
            if (failure.permanent()) {
                // The channel answered; only this message is wrong, so the breaker counts it as working.
                breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
                settle(delivery, d -> d.failed(attempt, failure.code()));
            } else {
                breaker.onError(nanos, TimeUnit.NANOSECONDS, failure);
                Instant next = attempt.at().plusMillis(backoff.apply(delivery.attempts() + 1));
                if (next.isAfter(delivery.giveUpAt())) {
                    settle(delivery, d -> d.failed(attempt, "RETRIES_EXHAUSTED"));
                } else {
                    settle(delivery, d -> d.retryAt(attempt, next));
                }
            }
            sender.afterAttempt(delivery, false);
        }
    }

    /**
     * Records the attempt's outcome on the delivery. The copy claimed before sending is stale when something
     * other than a claim wrote the delivery meanwhile (an erasure cut the client's address and texts while it
     * was in flight): saving that copy would write them back, so the outcome goes onto the delivery as it is
     * now. While this instance still holds the lease, nobody else settles it; a delivery claimed by another
     * instance (our lease ran out) is that instance's to settle.
     */
    private void settle(Delivery claimed, Consumer<Delivery> outcome) {
        Delivery delivery = claimed;
        for (int attempt = 1; ; attempt++) {
            outcome.accept(delivery);
            try {
                deliveries.save(delivery);
                return;
            } catch (OptimisticLockingFailureException changed) {
                var now = deliveries
                        .find(delivery.getTenantId(), delivery.getId())
                        .filter(d -> instanceId.equals(d.lockedBy()));
                if (now.isEmpty() || attempt == 3) {
                    throw changed;
                }
                delivery = now.get();
            }
        }
    }

    @Override
    public void start() {
        // Created on every start: a stopped context (tests pause cached ones) is started again later.
        workers = Executors.newVirtualThreadPerTaskExecutor();
        scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("dispatcher").daemon().factory());
        running = true;
        long every = settings.pollInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        running = false;
        scheduler.shutdown();
        workers.shutdown();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
