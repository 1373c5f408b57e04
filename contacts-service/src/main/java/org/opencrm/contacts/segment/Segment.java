package org.opencrm.contacts.segment;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A saved search: its filters in the search language ({@code q}, {@code tag}, ..., {@code cf.<key>}), stored
 * as the request parameters they are (a list of pairs: a {@code cf.} name holds a dot, which MongoDB field
 * names avoid). Members are never stored: they are the cards the filter matches now,
 * as far as the reader may see them.
 */
@Document("segments")
record Segment(
        @Id String id,
        String tenantId,
        String name,
        List<Param> filter,
        String createdBy,
        Instant createdAt,
        Instant updatedAt,
        @Version Long version) {

    record Param(String name, String value) {}

    Map<String, String> filterParams() {
        var params = new LinkedHashMap<String, String>();
        filter.forEach(p -> params.put(p.name(), p.value()));
        return params;
    }

    static List<Param> params(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> new Param(e.getKey(), e.getValue()))
                .toList();
    }
}
