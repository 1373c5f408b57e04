package org.opencrm.tasks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clock of every tasks-service instance a test starts: real time plus an offset the test moves
 * forward, so "a minute later" takes no minute. One per JVM, so two instances in a test share it.
 */
public final class TestClock extends Clock {

    public static final TestClock INSTANCE = new TestClock();

    private final AtomicLong offsetMillis = new AtomicLong();

    private TestClock() {}

    public void advance(Duration duration) {
        offsetMillis.addAndGet(duration.toMillis());
    }

    @Override
    public Instant instant() {
        return Instant.now().plusMillis(offsetMillis.get()).truncatedTo(ChronoUnit.MILLIS);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the test clock is UTC");
    }
}
