package org.opencrm.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.opencrm.analytics.projection.FactWriter;
import org.opencrm.analytics.projection.ProjectionCollections;
import org.opencrm.analytics.projection.ProjectionIndexes;
import org.opencrm.events.CrmEvent;

/**
 * The rollup exactness tests' harness: two fresh projection versions of the same events, the reference written by
 * one ordered pass, the contested one as the caller has it written (typically every event twice, shuffled, by two
 * racing writers); a report from the rollups of either must equal the one aggregated from the reference's facts.
 */
public final class RollupExactness {

    private final FactWriter writer;
    private final List<CrmEvent> events;
    private final ProjectionCollections reference;
    private final ProjectionCollections contested;

    private RollupExactness(FactWriter writer, List<CrmEvent> events, int version) {
        this.writer = writer;
        this.events = events;
        this.reference = new ProjectionCollections(version);
        this.contested = new ProjectionCollections(version + 1);
    }

    /** The reference written from {@code events} in their order, the contested version empty (with its indexes). */
    public static RollupExactness prepare(FactWriter writer, ProjectionIndexes indexes, List<CrmEvent> events) {
        // versions unused by other tests sharing the database
        var exactness = new RollupExactness(
                writer, events, 1_000 + ThreadLocalRandom.current().nextInt(1_000_000));
        indexes.ensure(exactness.reference);
        indexes.ensure(exactness.contested);
        writer.apply(events, exactness.reference);
        return exactness;
    }

    /**
     * {@link #prepare} and the contested version written by two writers at once, each with every event in its own
     * random order (a deal's newer revisions often first) in batches of 1-40: every event delivered twice.
     */
    public static RollupExactness deliveredTwiceByRacingWriters(
            FactWriter writer, ProjectionIndexes indexes, List<CrmEvent> events, long firstSeed, long secondSeed) {
        var exactness = prepare(writer, indexes, events);
        var first = CompletableFuture.runAsync(() -> exactness.deliverShuffled(new Random(firstSeed)));
        var second = CompletableFuture.runAsync(() -> exactness.deliverShuffled(new Random(secondSeed)));
        CompletableFuture.allOf(first, second).join();
        return exactness;
    }

    public ProjectionCollections reference() {
        return reference;
    }

    public ProjectionCollections contested() {
        return contested;
    }

    /**
     * Asserts that the report from the contested version's rollups, and from the reference's, equals the report
     * aggregated from the reference's facts; returns that report.
     */
    public <R> R assertRollupsGiveTheFacts(
            Object what, Function<ProjectionCollections, R> fromFacts, Function<ProjectionCollections, R> fromRollups) {
        R expected = fromFacts.apply(reference);
        assertThat(fromRollups.apply(contested)).as("contested " + what).isEqualTo(expected);
        assertThat(fromRollups.apply(reference)).as("reference " + what).isEqualTo(expected);
        return expected;
    }

    /**
     * {@link #assertRollupsGiveTheFacts(Object, Function, Function)} for every scope with every window; returns the
     * reports from the facts, scope by scope, window by window.
     */
    public <S, W, R> List<R> assertRollupsGiveTheFacts(
            List<S> scopes, List<W> windows, Report<S, W, R> fromFacts, Report<S, W, R> fromRollups) {
        List<R> expected = new ArrayList<>();
        for (S scope : scopes) {
            for (W window : windows) {
                expected.add(assertRollupsGiveTheFacts(
                        scope + " " + window,
                        version -> fromFacts.of(version, scope, window),
                        version -> fromRollups.of(version, scope, window)));
            }
        }
        return expected;
    }

    /** A report of a projection version for a scope and a window (a query's fromFacts or fromRollups). */
    @FunctionalInterface
    public interface Report<S, W, R> {
        R of(ProjectionCollections version, S scope, W window);
    }

    private void deliverShuffled(Random random) {
        List<CrmEvent> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, random);
        for (int from = 0; from < shuffled.size(); ) {
            int next = Math.min(shuffled.size(), from + 1 + random.nextInt(40));
            writer.apply(shuffled.subList(from, next), contested);
            from = next;
        }
    }
}
