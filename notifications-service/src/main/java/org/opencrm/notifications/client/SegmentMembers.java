package org.opencrm.notifications.client;

import java.net.http.HttpClient;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.opencrm.notifications.NotificationsProperties;
import org.opencrm.platform.web.NotFoundException;
import org.opencrm.platform.web.ProblemType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a segment's members from contacts-service ({@code GET /api/contacts/segments/{id}/members?size&cursor},
 * answering {@code {items: [card...], next: cursor}}), relaying the caller's token so the campaign reaches exactly the cards the caller may see. Each
 * member's addresses, consent and birthday come from there: contacts-service owns them and events do not
 * carry them. The reader takes what it needs and is lenient about the rest (e-mails and phones as strings
 * or objects, consent as {@code {granted, at}} or a boolean), so additions to the card do not break it.
 */
@Component
class SegmentMembers {

    private static final int PAGE_SIZE = 200;
    private static final int MAX_PAGES = 500;

    record Member(
            String contactId,
            String name,
            String email,
            String phone,
            boolean emailConsent,
            boolean smsConsent,
            String language,
            LocalDate birthday) {}

    private final RestClient http;
    private final JsonMapper json;

    SegmentMembers(NotificationsProperties properties, JsonMapper json) {
        this.http = contactsClient(properties);
        this.json = json;
    }

    /** HTTP/1.1 to contacts-service, 5 s to connect, 30 s to answer: for every reader of contacts' cards. */
    static RestClient contactsClient(NotificationsProperties properties) {
        var factory = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build());
        factory.setReadTimeout(Duration.ofSeconds(30));
        return RestClient.builder()
                .baseUrl(properties.clients().contactsUrl().toString())
                .requestFactory(factory)
                .build();
    }

    List<Member> of(String segmentId, String bearerToken) {
        List<Member> members = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            var uri = UriComponentsBuilder.fromPath("/api/contacts/segments/{id}/members")
                    .queryParam("size", PAGE_SIZE);
            if (cursor != null) {
                uri.queryParam("cursor", cursor);
            }
            String body;
            try {
                body = http.get()
                        .uri(uri.buildAndExpand(segmentId).encode().toUri().toString())
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + bearerToken)
                        .retrieve()
                        .onStatus(s -> s.value() == 404, (req, res) -> {
                            throw NotFoundException.of("segment", segmentId);
                        })
                        .onStatus(HttpStatusCode::isError, (req, res) -> {
                            throw new ContactsUnavailableException();
                        })
                        .body(String.class);
            } catch (ResourceAccessException unreachable) {
                // refused, reset, timed out: the same for the caller as an error answer
                throw new ContactsUnavailableException();
            }
            JsonNode root;
            try {
                root = json.readTree(body == null ? "[]" : body);
            } catch (JacksonException notJson) {
                // a proxy's error page with a 200: contacts-service did not give the members either
                throw new ContactsUnavailableException();
            }
            JsonNode items = root.isArray() ? root : root.path("items");
            if (items.isArray()) {
                for (JsonNode item : items) {
                    // archived and erased cards get no campaign messages, whatever their consent says
                    if (!item.path("erased").asBoolean(false)
                            && !item.path("archived").asBoolean(false)) {
                        members.add(member(item));
                    }
                }
            }
            cursor = root.isObject() && root.hasNonNull("next")
                    ? root.get("next").asString()
                    : null;
            if (cursor == null || cursor.isBlank()) {
                break;
            }
        }
        return members;
    }

    /**
     * 503: contacts-service answered an error (other than 404) or could not be reached. Members are read before
     * anything is queued, so the campaign stored nothing and the client may simply send it again later.
     */
    static final class ContactsUnavailableException extends ErrorResponseException {

        ContactsUnavailableException() {
            super(
                    ProblemType.SERVICE_UNAVAILABLE.status(),
                    ProblemType.SERVICE_UNAVAILABLE.problem(
                            "The segment's members could not be read from contacts-service; nothing was sent."
                                    + " Try again later."),
                    null);
            getHeaders().set(HttpHeaders.RETRY_AFTER, "30");
        }
    }

    static Member member(JsonNode item) {
        JsonNode consent = item.has("consent") ? item.path("consent") : item.path("marketingConsent");
        return new Member(
                text(item.path("id")),
                text(item.path("displayName")),
                first(item, "email", "emails"),
                first(item, "phone", "phones"),
                granted(consent.path("email")),
                granted(consent.path("sms")),
                text(item.path("language")),
                item.hasNonNull("birthday")
                        ? LocalDate.parse(item.get("birthday").asString())
                        : null);
    }

    private static String first(JsonNode item, String single, String list) {
        if (item.hasNonNull(single)) {
            return text(item.get(single));
        }
        JsonNode values = item.path(list);
        if (values.isArray() && !values.isEmpty()) {
            JsonNode v = values.get(0);
            if (v.isObject()) {
                for (String field : List.of("address", "value", "number", "email", "phone")) {
                    if (v.hasNonNull(field)) {
                        return v.get(field).asString();
                    }
                }
                return null;
            }
            return text(v);
        }
        return null;
    }

    private static boolean granted(JsonNode consent) {
        if (consent.isBoolean()) {
            return consent.asBoolean();
        }
        if (consent.isObject()) {
            return consent.path("granted").asBoolean(false)
                    || "GRANTED".equals(consent.path("status").asString("").toUpperCase(Locale.ROOT));
        }
        return false;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node.asString();
    }
}
