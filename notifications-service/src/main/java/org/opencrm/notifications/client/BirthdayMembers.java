package org.opencrm.notifications.client;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.opencrm.notifications.NotificationsProperties;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The clients whose birthday it is on a day, from contacts-service
 * ({@code GET /internal/contacts/birthdays?tenant&date&after&size}, answering {@code {items, next}}) with this
 * service's own token: contacts-service owns the cards, their addresses, consent and erasure, and decides
 * which cards are live; 29 February birthdays come with 28 February in a year without it.
 */
@Component
class BirthdayMembers {

    private static final int PAGE_SIZE = 500;
    private static final int MAX_PAGES = 2_000;

    private final RestClient http;
    private final JsonMapper json;
    private final ServiceCredentials credentials;

    BirthdayMembers(NotificationsProperties properties, JsonMapper json, ServiceCredentials credentials) {
        this.http = SegmentMembers.contactsClient(properties);
        this.json = json;
        this.credentials = credentials;
    }

    List<SegmentMembers.Member> on(String tenantId, LocalDate date) {
        List<SegmentMembers.Member> members = new ArrayList<>();
        String after = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            var uri = UriComponentsBuilder.fromPath("/internal/contacts/birthdays")
                    .queryParam("tenant", tenantId)
                    .queryParam("date", date)
                    .queryParam("size", PAGE_SIZE);
            if (after != null) {
                uri.queryParam("after", after);
            }
            String body = http.get()
                    .uri(uri.encode().build().toUriString())
                    .header(HttpHeaders.AUTHORIZATION, "Bearer " + credentials.accessToken())
                    .retrieve()
                    .onStatus(HttpStatusCode::isError, (req, res) -> {
                        throw new IllegalStateException("contacts-service answered " + res.getStatusCode());
                    })
                    .body(String.class);
            JsonNode root = json.readTree(body == null ? "{}" : body);
            for (JsonNode item : root.path("items")) {
                members.add(SegmentMembers.member(item));
            }
            after = root.hasNonNull("next") ? root.get("next").asString() : null;
            if (after == null || after.isBlank()) {
                break;
            }
        }
        return members;
    }
}
