package org.opencrm.analytics.projection;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.opencrm.analytics.AnalyticsProperties;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * Which projection version queries read ({@code current}) and which one a rebuild is filling
 * ({@code building}), kept in one document so the switch is a single atomic write. Listeners write every
 * event into both while a rebuild runs, so the new version misses nothing that arrives during the replay.
 *
 * <p>Each instance caches the document for {@link AnalyticsProperties#pointerRefresh()}: reading it per
 * event would double the database round trips of ingestion.
 */
@Component
public class ProjectionPointer {

    public static final String COLLECTION = "analytics_projection";
    static final String ID = "projection";

    /**
     * The layout of the projection documents this code writes and reads (rollup kinds and entry shapes), raised with
     * every change that a version built by earlier code lacks. Reports refuse a current version of another layout
     * instead of answering from documents they no longer read (figures silently too low); a rebuild builds one of
     * this layout; its value is the change's date and a sequence number. 2026112406: the funnel's histograms in two
     * levels. 2026112405: pipeline-as-of documents per pipeline. 2026112404: activity's days without hours.
     * 2026112403: the funnel per stage alone.
     * 2026112402: the sources report's days without hours and deals opened per department. 20261124: activity per rep and day with hourly figures, appeals
     * per week and month. A pointer written before this existed has none (0).
     */
    public static final int FORMAT = 2026112406;

    static final String CURRENT_FORMAT = "currentFormat";

    private final MongoTemplate mongo;
    private final AnalyticsProperties properties;
    private final Clock clock;
    private volatile Cached cached;

    ProjectionPointer(MongoTemplate mongo, AnalyticsProperties properties) {
        this.mongo = mongo;
        this.properties = properties;
        this.clock = Clock.systemUTC();
    }

    /** The version queries answer from. */
    public ProjectionCollections current() {
        return new ProjectionCollections(state().current());
    }

    /** The version queries answer from, when it was built in this code's {@link #FORMAT}; else empty. */
    public Optional<ProjectionCollections> readable() {
        State state = state();
        return state.currentFormat() == FORMAT
                ? Optional.of(new ProjectionCollections(state.current()))
                : Optional.empty();
    }

    /** The versions a newly consumed event goes to: the current one, and the one being built if any. */
    public List<ProjectionCollections> writeTargets() {
        State state = state();
        List<ProjectionCollections> targets = new ArrayList<>(2);
        targets.add(new ProjectionCollections(state.current()));
        if (state.building() != null) {
            targets.add(new ProjectionCollections(state.building()));
        }
        return targets;
    }

    /** The pointer as stored now, bypassing the cache. */
    public State read() {
        Document document = mongo.findById(ID, Document.class, COLLECTION);
        if (document == null) {
            try {
                mongo.insert(
                        new Document("_id", ID)
                                .append("current", 1)
                                .append("lastVersion", 1)
                                .append(CURRENT_FORMAT, FORMAT),
                        COLLECTION);
            } catch (DuplicateKeyException anotherInstanceWasFirst) {
                // fine: read what it wrote
            }
            document = mongo.findById(ID, Document.class, COLLECTION);
        }
        State state = new State(
                document.getInteger("current"),
                document.getInteger("building"),
                document.getInteger("lastVersion"),
                document.getInteger(CURRENT_FORMAT, 0));
        cached = new Cached(state, clock.instant());
        return state;
    }

    /**
     * Marks {@code version} as being built, if no other rebuild holds the pointer.
     *
     * @return false when another rebuild is building a version
     */
    public boolean claimBuilding(int version, Document rebuildStatus) {
        read();
        var claimed = mongo.findAndModify(
                new Query(where("_id").is(ID).and("building").is(null)),
                new Update()
                        .set("building", version)
                        .set("lastVersion", version)
                        .set("rebuild", rebuildStatus),
                FindAndModifyOptions.options().returnNew(true),
                Document.class,
                COLLECTION);
        invalidate();
        return claimed != null;
    }

    /** Records a running rebuild's progress. */
    public void reportProgress(int version, Document fields) {
        var update = new Update();
        fields.forEach((name, value) -> update.set("rebuild." + name, value));
        mongo.updateFirst(new Query(where("_id").is(ID).and("building").is(version)), update, COLLECTION);
    }

    /** Makes the built version, of this code's {@link #FORMAT}, the current one and ends the rebuild, in one write. */
    public void switchTo(int version, Document fields) {
        var update =
                new Update().set("current", version).set(CURRENT_FORMAT, FORMAT).unset("building");
        fields.forEach((name, value) -> update.set("rebuild." + name, value));
        mongo.updateFirst(new Query(where("_id").is(ID).and("building").is(version)), update, COLLECTION);
        invalidate();
    }

    /** Ends a rebuild without switching: queries keep the current version. */
    public void abandon(int version, Document fields) {
        var update = new Update().unset("building");
        fields.forEach((name, value) -> update.set("rebuild." + name, value));
        mongo.updateFirst(new Query(where("_id").is(ID).and("building").is(version)), update, COLLECTION);
        invalidate();
    }

    /** Releases a rebuild whose instance stopped reporting (it died), so a new one may start. */
    public boolean releaseStale(Instant heartbeatBefore) {
        var released = mongo.updateFirst(
                new Query(where("_id")
                        .is(ID)
                        .and("building")
                        .ne(null)
                        .and("rebuild.heartbeatAt")
                        .lt(java.util.Date.from(heartbeatBefore))),
                new Update()
                        .unset("building")
                        .set("rebuild.state", "FAILED")
                        .set("rebuild.error", "the rebuilding instance stopped reporting progress"),
                COLLECTION);
        invalidate();
        return released.getModifiedCount() > 0;
    }

    /** The stored rebuild status, or null before the first rebuild. */
    public Document rebuildStatus() {
        Document document = mongo.findById(ID, Document.class, COLLECTION);
        return document == null ? null : document.get("rebuild", Document.class);
    }

    private State state() {
        Cached snapshot = cached;
        if (snapshot != null
                && snapshot.readAt().plus(properties.pointerRefresh()).isAfter(clock.instant())) {
            return snapshot.state();
        }
        return read();
    }

    private void invalidate() {
        cached = null;
    }

    /**
     * @param current the version queries read
     * @param building the version a rebuild is filling, or null
     * @param lastVersion the highest version ever claimed; a new rebuild takes the next one, so it never
     *     reuses the collections of an abandoned attempt
     * @param currentFormat the {@link #FORMAT} of the code that built the current version (0: before formats)
     */
    public record State(int current, Integer building, int lastVersion, int currentFormat) {}

    private record Cached(State state, Instant readAt) {}
}
