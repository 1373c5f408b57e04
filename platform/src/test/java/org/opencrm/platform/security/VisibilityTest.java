package org.opencrm.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opencrm.testkit.TestInfrastructure;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

/**
 * The visibility rule per role, and the MongoDB criteria filtering real documents exactly as the in-memory
 * check decides.
 */
class VisibilityTest {

    /** A record's id, tenant, owner and department; {@code null} owner means unassigned. */
    record Rec(String id, String tenantId, String ownerId, String departmentId) {}

    // u1 works in d1. Records cover own/other/unassigned owners in own/other/no department and another tenant.
    static final List<Rec> RECORDS = List.of(
            new Rec("own-d1", "t1", "u1", "d1"),
            new Rec("other-d1", "t1", "u2", "d1"),
            new Rec("unassigned-d1", "t1", null, "d1"),
            new Rec("other-d2", "t1", "u2", "d2"),
            new Rec("unassigned-d2", "t1", null, "d2"),
            new Rec("own-d2", "t1", "u1", "d2"),
            new Rec("own-nodept", "t1", "u1", null),
            new Rec("other-nodept", "t1", "u2", null),
            new Rec("tenant2-own-d1", "t2", "u1", "d1"),
            new Rec("tenant2-unassigned-d1", "t2", null, "d1"));

    static MongoClient client;
    static MongoTemplate mongo;

    @BeforeAll
    static void startMongo() {
        client = MongoClients.create(TestInfrastructure.mongoUri("visibility-" + UUID.randomUUID()));
        mongo = new MongoTemplate(client, "visibility");
        for (Rec rec : RECORDS) {
            var doc = new Document("_id", rec.id()).append("tenantId", rec.tenantId());
            // Unassigned records are stored both ways a service might: an explicit null and no field at all.
            if (rec.ownerId() != null || rec.id().endsWith("d1")) {
                doc.append("ownerId", rec.ownerId());
            }
            if (rec.departmentId() != null) {
                doc.append("departmentId", rec.departmentId());
            }
            mongo.insert(doc, "records");
            mongo.insert(
                    new Document("_id", rec.id())
                            .append("org", rec.tenantId())
                            .append("assignee", rec.ownerId())
                            .append("team", rec.departmentId()),
                    "renamed");
        }
    }

    @AfterAll
    static void stopMongo() {
        client.close();
    }

    static CurrentUser u1(Role... roles) {
        return new CurrentUser("u1", "t1", Set.of("d1"), Set.of(roles));
    }

    static final Map<Role, Set<String>> EXPECTED = new LinkedHashMap<>();

    static {
        Set<String> everyT1 = Set.of(
                "own-d1",
                "other-d1",
                "unassigned-d1",
                "other-d2",
                "unassigned-d2",
                "own-d2",
                "own-nodept",
                "other-nodept");
        Set<String> departments = Set.of("own-d1", "other-d1", "unassigned-d1", "own-d2", "own-nodept");
        EXPECTED.put(Role.ADMIN, everyT1);
        EXPECTED.put(Role.INTEGRATION, everyT1);
        EXPECTED.put(Role.HEAD, departments);
        EXPECTED.put(Role.ANALYST, departments);
        EXPECTED.put(Role.MANAGER, Set.of("own-d1", "unassigned-d1", "own-d2", "own-nodept"));
        EXPECTED.put(Role.OPERATOR, Set.of("own-d1", "own-d2", "own-nodept"));
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void eachRoleSeesWhatTheRuleSays(Role role) {
        var user = u1(role);

        assertThat(visibleInMemory(user)).isEqualTo(EXPECTED.get(role));
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void theCriteriaFiltersDocumentsExactlyAsCanSeeDecides(Role role) {
        var user = u1(role);

        assertThat(visibleInMongo(user, Visibility.criteria(user), "records")).isEqualTo(EXPECTED.get(role));
    }

    @Test
    void customFieldNamesFilterTheSameWay() {
        var user = u1(Role.MANAGER);
        var fields = new VisibilityFields("org", "assignee", "team");

        assertThat(visibleInMongo(user, Visibility.criteria(user, fields), "renamed"))
                .isEqualTo(EXPECTED.get(Role.MANAGER));
    }

    @Test
    void severalRolesGetTheWidestScope() {
        var user = u1(Role.OPERATOR, Role.HEAD);

        assertThat(Visibility.scopeOf(user)).isEqualTo(VisibilityScope.DEPARTMENTS);
        assertThat(visibleInMongo(user, Visibility.criteria(user), "records")).isEqualTo(EXPECTED.get(Role.HEAD));
    }

    @Test
    void aUserWithoutRolesSeesNothingNotEvenOwnRecords() {
        var user = u1();

        assertThat(Visibility.scopeOf(user)).isEqualTo(VisibilityScope.NONE);
        assertThat(visibleInMemory(user)).isEmpty();
        assertThat(visibleInMongo(user, Visibility.criteria(user), "records")).isEmpty();
    }

    @Test
    void aHeadWithoutDepartmentsSeesOnlyOwnRecords() {
        var user = new CurrentUser("u1", "t1", Set.of(), Set.of(Role.HEAD));

        Set<String> own = Set.of("own-d1", "own-d2", "own-nodept");
        assertThat(visibleInMemory(user)).isEqualTo(own);
        assertThat(visibleInMongo(user, Visibility.criteria(user), "records")).isEqualTo(own);
    }

    @Test
    void theCriteriaCombinesWithAQuerysOwnCriteria() {
        var user = u1(Role.ADMIN);
        var query = Query.query(new Criteria()
                .andOperator(
                        Visibility.criteria(user),
                        Criteria.where("departmentId").is("d2")));

        var ids = mongo.find(query, Document.class, "records").stream()
                .map(d -> d.getString("_id"))
                .toList();

        assertThat(ids).containsExactlyInAnyOrder("other-d2", "unassigned-d2", "own-d2");
    }

    private static Set<String> visibleInMemory(CurrentUser user) {
        var visible = new ArrayList<String>();
        for (Rec rec : RECORDS) {
            if (Visibility.canSee(user, rec.tenantId(), rec.ownerId(), rec.departmentId())) {
                visible.add(rec.id());
            }
        }
        return Set.copyOf(visible);
    }

    private static Set<String> visibleInMongo(CurrentUser user, Criteria criteria, String collection) {
        return Set.copyOf(mongo.find(Query.query(criteria), Document.class, collection).stream()
                .map(d -> d.getString("_id"))
                .toList());
    }
}
