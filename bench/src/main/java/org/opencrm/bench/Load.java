package org.opencrm.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop load generator: {@code concurrency} threads each call the operation back to back, first for
 * the warm-up (not recorded), then for the measured duration, recording every call's latency in an
 * HdrHistogram (microseconds) and the completed calls of each second. Closed loop means a slow answer delays
 * the next request of its thread (no coordinated-omission correction): the figures are service time at a fixed
 * concurrency, the same way for the subject and its baseline.
 */
final class Load {

    /** One call; it throws when the answer is wrong (a non-2xx status, a missing document). */
    @FunctionalInterface
    interface Operation {
        void call(int worker, long iteration) throws Exception;
    }

    record Settings(int concurrency, Duration warmup, Duration duration) {}

    /** A measured run: latency distribution, completed calls per second, errors. */
    record Run(String name, Histogram histogram, List<Long> perSecond, long errors, double seconds, String firstError) {

        double throughput() {
            return histogram.getTotalCount() / seconds;
        }

        double millis(double percentile) {
            return histogram.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    private Load() {}

    static Run run(String name, Settings settings, Operation operation) {
        var recorder = new Recorder(3);
        var errors = new AtomicLong();
        var firstError = new AtomicReference<String>();
        var phase = new AtomicReference<>("warmup");
        var threads = new ArrayList<Thread>();
        for (int w = 0; w < settings.concurrency(); w++) {
            int worker = w;
            threads.add(Thread.ofPlatform().name("load-" + name + "-" + w).start(() -> {
                long i = 0;
                while (!phase.get().equals("done")) {
                    long t0 = System.nanoTime();
                    try {
                        operation.call(worker, i++);
                        if (phase.get().equals("measure")) {
                            recorder.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                        }
                    } catch (Exception e) {
                        if (phase.get().equals("measure")) {
                            errors.incrementAndGet();
                        }
                        firstError.compareAndSet(null, e.toString());
                    }
                }
            }));
        }
        ServiceProcess.sleep(settings.warmup().toMillis());
        phase.set("measure");
        recorder.reset();
        var total = new Histogram(3);
        var perSecond = new ArrayList<Long>();
        long start = System.nanoTime();
        long end = start + settings.duration().toNanos();
        long next = start + 1_000_000_000L;
        while (System.nanoTime() < end) {
            ServiceProcess.sleep(Math.max(1, Math.min(next, end) - System.nanoTime()) / 1_000_000 + 1);
            if (System.nanoTime() >= next || System.nanoTime() >= end) {
                var interval = recorder.getIntervalHistogram();
                perSecond.add(interval.getTotalCount());
                total.add(interval);
                next += 1_000_000_000L;
            }
        }
        phase.set("done");
        double seconds = (System.nanoTime() - start) / 1e9;
        for (var thread : threads) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        total.add(recorder.getIntervalHistogram());
        return new Run(name, total, perSecond, errors.get(), seconds, firstError.get());
    }
}
