package org.opencrm.analytics.projection;

import java.util.List;
import org.opencrm.events.Topics;

/**
 * The topics analytics builds its projections from, read live and replayed by a rebuild. Notifications are
 * left out: deliveries say nothing the figures need.
 */
public final class AnalyticsTopics {

    public static final List<String> ALL =
            List.of(Topics.DEALS, Topics.CONTACTS, Topics.CALLS, Topics.TASKS, Topics.TEAMS);

    private AnalyticsTopics() {}
}
