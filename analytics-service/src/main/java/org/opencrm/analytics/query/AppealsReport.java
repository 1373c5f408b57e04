package org.opencrm.analytics.query;

import java.util.List;

/** Appeals per topic and period, most frequent first within a period. */
record AppealsReport(String from, String to, String timeZone, String granularity, List<Row> rows) implements CsvTable {

    /** The topic label of appeals logged without one (the atypical, described in free text). */
    static final String NO_TOPIC = "(none)";

    record Row(String period, String topic, long appeals) {}

    @Override
    public List<String> csvHeader() {
        return List.of("period", "topic", "appeals");
    }

    @Override
    public List<List<Object>> csvRows() {
        return rows.stream()
                .map(r -> List.<Object>of(r.period(), r.topic(), r.appeals()))
                .toList();
    }
}
