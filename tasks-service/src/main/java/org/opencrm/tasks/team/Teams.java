package org.opencrm.tasks.team;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/** What other features ask of the rosters: a tenant's team, who can take a task, whose turn it is. */
@Component
public class Teams {

    private final TeamRepository teams;
    private final MongoTemplate mongo;

    Teams(TeamRepository teams, MongoTemplate mongo) {
        this.teams = teams;
        this.mongo = mongo;
    }

    public Optional<Team> find(String tenantId, String teamId) {
        if (teamId == null) {
            return Optional.empty();
        }
        return teams.findById(teamId).filter(t -> t.getTenantId().equals(tenantId));
    }

    public List<Team> all() {
        return teams.findAll();
    }

    /**
     * The available member (active, not absent today) other than {@code excluded} with the fewest open
     * tasks; ties go to the smaller user id so every instance picks the same person.
     */
    public Optional<String> leastLoaded(Team team, String excluded, Instant now, ToLongFunction<String> openTasks) {
        if (!team.active()) {
            return Optional.empty();
        }
        var today = team.today(now);
        return team.members().stream()
                .filter(m -> m.availableOn(today) && !m.userId().equals(excluded))
                .map(Team.Member::userId)
                .sorted()
                .min(Comparator.comparingLong(openTasks));
    }

    /** The next available member with the role, in turn; the turn counter is one atomic increment. */
    public Optional<String> nextInTurn(Team team, String role, Instant now) {
        if (!team.active()) {
            return Optional.empty();
        }
        var today = team.today(now);
        List<String> candidates = team.members().stream()
                .filter(m -> m.availableOn(today) && m.hasRole(role))
                .map(Team.Member::userId)
                .sorted()
                .toList();
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        var counter = mongo.findAndModify(
                new Query(Criteria.where("_id").is(team.getTenantId() + ":" + team.getId() + ":" + role.toUpperCase())),
                new Update().inc("turn", 1L),
                FindAndModifyOptions.options().upsert(true).returnNew(true),
                org.bson.Document.class,
                "round_robin");
        long turn = ((Number) counter.get("turn")).longValue();
        return Optional.of(candidates.get((int) ((turn - 1) % candidates.size())));
    }
}
