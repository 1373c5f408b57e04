package org.opencrm.contacts.card;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Counts the commands the service sends to the database, by the kind of thread that sends them (the import
 * job, the outbox relay, a request) and by command and collection: the import's cost is measured in round
 * trips, and a test can hold it to a budget.
 */
@TestConfiguration(proxyBeanMethods = false)
class MongoCommands {

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Map<Long, String> started = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> micros = new ConcurrentHashMap<>();

    @Bean
    MongoClientSettingsBuilderCustomizer countingMongoCommands() {
        CommandListener listener = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                var target = event.getCommand().get(event.getCommandName());
                String collection =
                        target != null && target.isString() ? target.asString().getValue() : "";
                String key = threadKind() + " " + event.getCommandName() + " " + collection;
                counts.computeIfAbsent(key, k -> new LongAdder()).increment();
                started.put((long) event.getRequestId(), key);
            }

            @Override
            public void commandSucceeded(CommandSucceededEvent event) {
                String key = started.remove((long) event.getRequestId());
                if (key != null) {
                    micros.computeIfAbsent(key, k -> new LongAdder()).add(event.getElapsedTime(TimeUnit.MICROSECONDS));
                }
            }

            @Override
            public void commandFailed(com.mongodb.event.CommandFailedEvent event) {
                started.remove((long) event.getRequestId());
            }
        };
        return settings -> settings.addCommandListener(listener);
    }

    /** Commands counted so far, by "thread-kind command collection". */
    Map<String, Long> snapshot() {
        var result = new TreeMap<String, Long>();
        counts.forEach((k, v) -> result.put(k, v.sum()));
        return result;
    }

    /** Milliseconds spent waiting for each kind of command so far (round trip and server time). */
    Map<String, Long> millis() {
        var result = new TreeMap<String, Long>();
        micros.forEach((k, v) -> result.put(k, v.sum() / 1000));
        return result;
    }

    /**
     * CPU milliseconds used so far by the live threads of this JVM, by thread kind: what a row costs whatever
     * else the machine is running (wall-clock times on a shared machine vary several-fold).
     */
    static Map<String, Long> cpuMillis() {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        var result = new TreeMap<String, Long>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            long nanos = threads.getThreadCpuTime(thread.threadId());
            if (nanos > 0) {
                result.merge(threadKind(thread.getName()), nanos / 1_000_000, Long::sum);
            }
        }
        return result;
    }

    /** Commands sent by threads whose kind starts with the prefix. */
    static long total(Map<String, Long> snapshot, String threadKind) {
        return snapshot.entrySet().stream()
                .filter(e -> e.getKey().startsWith(threadKind + " "))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    /** The difference between two snapshots. */
    static Map<String, Long> since(Map<String, Long> before, Map<String, Long> after) {
        var result = new TreeMap<String, Long>();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d != 0) {
                result.put(k, d);
            }
        });
        return result;
    }

    private static String threadKind() {
        return threadKind(Thread.currentThread().getName());
    }

    private static String threadKind(String name) {
        int end = name.length();
        while (end > 0 && (Character.isDigit(name.charAt(end - 1)) || name.charAt(end - 1) == '-')) {
            end--;
        }
        return name.substring(0, end).replace(' ', '_');
    }
}
