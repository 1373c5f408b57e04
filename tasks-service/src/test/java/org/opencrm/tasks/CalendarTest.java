package org.opencrm.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalendarTest extends TasksIntegrationTest {

    @Test
    void theCalendarShowsTheTasksDueInTheRange() {
        String tenant = unique("t");
        String anna = manager(tenant, "anna", "sales");
        Instant from = now().plus(Duration.ofDays(1));
        String inside = createTask(tenant, anna, null, "sales", from.plus(Duration.ofHours(2)), null, null);
        createTask(tenant, anna, null, "sales", from.plus(Duration.ofDays(10)), null, null);

        var week = get(
                "/api/tasks/calendar?assignee=me&from=%s&to=%s".formatted(from, from.plus(Duration.ofDays(7))), anna);

        assertThat(week.status()).as(week.body()).isEqualTo(200);
        assertThat(week.<List<String>>json("$[*].id")).containsExactly(inside);
        var tooLong = get("/api/tasks/calendar?from=%s&to=%s".formatted(from, from.plus(Duration.ofDays(400))), anna);
        assertThat(tooLong.status()).isEqualTo(400);
    }

    @Test
    void eachUserHasAReadOnlyICalendarFeedBehindASecretAddress() {
        String tenant = unique("t");
        String anna = manager(tenant, "anna", "sales");
        String task = createTask(tenant, anna, null, "sales", now().plus(Duration.ofHours(5)), null, null);

        var feed = post("/api/tasks/calendar/feed", anna, null);
        assertThat(feed.status()).isEqualTo(200);
        String url = feed.json("$.url");

        var ics = get(url, null);
        assertThat(ics.status()).isEqualTo(200);
        assertThat(ics.raw().headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/calendar"));
        assertThat(ics.body()).contains("BEGIN:VCALENDAR", "UID:" + task + "@tasks.opencrm", "SUMMARY:Call back");

        // A new address revokes the old one; a guessed one finds nothing.
        String renewed = post("/api/tasks/calendar/feed", anna, null).json("$.url");
        assertThat(get(url, null).status()).isEqualTo(404);
        assertThat(get(renewed, null).status()).isEqualTo(200);
        assertThat(get("/public/calendar/guessed.ics", null).status()).isEqualTo(404);
    }
}
