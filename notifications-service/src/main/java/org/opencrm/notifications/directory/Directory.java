package org.opencrm.notifications.directory;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.opencrm.events.teams.TeamMember;
import org.opencrm.events.teams.TeamUpdated;
import org.opencrm.notifications.NotificationsProperties;
import org.opencrm.platform.consumer.IdempotentWrites;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * Who is who, from tasks-service's TeamUpdated events: team heads and members, and every employee's
 * addresses, language and time zone. Each event carries the whole team, so the copy is replaced, never
 * merged; a per-user profile document (the entry of the newest roster wins, whatever order the teams'
 * events arrive in) makes lookups an {@code _id} read.
 */
@Component
public class Directory {

    static final String PROFILES = "user_profiles";

    /** When the roster a profile was written from was published, and by which team. */
    private static final String ROSTER_AT = "rosterAt";

    private static final String ROSTER_TEAM = "rosterTeam";

    private final MongoTemplate mongo;
    private final IdempotentWrites writes;
    private final NotificationsProperties properties;

    Directory(MongoTemplate mongo, NotificationsProperties properties) {
        this.mongo = mongo;
        this.writes = new IdempotentWrites(mongo);
        this.properties = properties;
    }

    public void apply(TeamUpdated event) {
        writes.applyIfNewer(
                TeamCopy.COLLECTION,
                TeamCopy.idOf(event.tenantId(), event.aggregateId()),
                event,
                new Update()
                        .set("tenantId", event.tenantId())
                        .set("teamId", event.aggregateId())
                        .set("name", event.name())
                        .set("active", event.active())
                        .set("headUserIds", event.headUserIds())
                        .set("members", event.members()));
        // The profiles are written on every delivery, the copy's or not: a delivery that failed after the copy
        // was saved is retried with the copy already at its version, and its profiles must still be written.
        // Each profile takes only a roster entry at least as new as the one it holds (by the roster's time, ties
        // by team id), so a copy of an older roster, or of another team's older one, changes nothing.
        for (TeamMember member : event.members()) {
            writeProfileIfNewer(event, member);
        }
    }

    private void writeProfileIfNewer(TeamUpdated event, TeamMember member) {
        var notOlder = new Criteria()
                .orOperator(
                        where(ROSTER_AT).is(null),
                        where(ROSTER_AT).lt(event.occurredAt()),
                        where(ROSTER_AT).is(event.occurredAt()).and(ROSTER_TEAM).lte(event.aggregateId()));
        var query = new Query(new Criteria()
                .andOperator(where("_id").is(profileId(event.tenantId(), member.userId())), notOlder));
        var update = new Update()
                .set("tenantId", event.tenantId())
                .set("userId", member.userId())
                .set("name", member.name())
                .set("email", member.email())
                .set("phone", member.phone())
                .set("language", member.language())
                .set("timeZone", member.timeZone())
                .set(ROSTER_AT, event.occurredAt())
                .set(ROSTER_TEAM, event.aggregateId());
        try {
            mongo.upsert(query, update, PROFILES);
        } catch (DuplicateKeyException newerRosterHolds) {
            // the profile exists and holds a newer roster's entry: the upsert's insert collided with it
        }
    }

    /** The employee's profile; an unknown user still gets the tenant's language and zone. */
    public UserProfile profile(String tenantId, String userId) {
        var doc = mongo.findById(profileId(tenantId, userId), org.bson.Document.class, PROFILES);
        if (doc == null) {
            return new UserProfile(
                    tenantId, userId, null, null, null, properties.defaultLanguage(), properties.defaultTimeZone());
        }
        return new UserProfile(
                tenantId,
                userId,
                doc.getString("name"),
                doc.getString("email"),
                doc.getString("phone"),
                Optional.ofNullable(doc.getString("language")).orElse(properties.defaultLanguage()),
                zone(doc.getString("timeZone")));
    }

    public List<UserProfile> profiles(String tenantId) {
        return mongo.find(new Query(where("tenantId").is(tenantId)), org.bson.Document.class, PROFILES).stream()
                .map(d -> profile(tenantId, d.getString("userId")))
                .toList();
    }

    /** Tenants that have a team: the digests run for their employees. */
    public List<String> tenants() {
        return mongo.findDistinct(new Query(), "tenantId", PROFILES, String.class);
    }

    public List<String> heads(String tenantId, String teamId) {
        return team(tenantId, teamId).map(TeamCopy::headUserIds).orElse(List.of());
    }

    public List<String> members(String tenantId, String teamId) {
        return team(tenantId, teamId)
                .map(t -> t.members().stream()
                        .filter(TeamMember::active)
                        .map(TeamMember::userId)
                        .toList())
                .orElse(List.of());
    }

    /** The teams the user heads: their team digest covers these. */
    public Set<String> teamsHeadedBy(String tenantId, String userId) {
        var teams = mongo.find(
                new Query(where("tenantId").is(tenantId).and("headUserIds").is(userId)), TeamCopy.class);
        Set<String> ids = new LinkedHashSet<>();
        teams.forEach(t -> ids.add(t.teamId()));
        return ids;
    }

    private Optional<TeamCopy> team(String tenantId, String teamId) {
        if (teamId == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(mongo.findById(TeamCopy.idOf(tenantId, teamId), TeamCopy.class));
    }

    private ZoneId zone(String id) {
        if (id == null) {
            return properties.defaultTimeZone();
        }
        try {
            return ZoneId.of(id);
        } catch (DateTimeException unknownZone) {
            return properties.defaultTimeZone();
        }
    }

    private static String profileId(String tenantId, String userId) {
        return tenantId + ":" + userId;
    }
}
