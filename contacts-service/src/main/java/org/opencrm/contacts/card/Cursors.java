package org.opencrm.contacts.card;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.opencrm.platform.web.InvalidRequestException;

/**
 * Opaque page cursors: the sort value and id of the last item, typed and base64url-encoded. Clients pass
 * {@code next} back unchanged; anything else is a 400 naming {@code cursor}.
 */
final class Cursors {

    record Position(Object value, String id) {}

    private Cursors() {}

    static String encode(Object value, String id) {
        String typed;
        if (value == null) {
            typed = "z:";
        } else if (value instanceof Instant instant) {
            typed = "d:" + instant;
        } else if (value instanceof java.util.Date date) {
            typed = "d:" + date.toInstant();
        } else if (value instanceof Number number) {
            typed = "n:" + number.doubleValue();
        } else if (value instanceof Boolean bool) {
            typed = "b:" + bool;
        } else {
            typed = "s:" + value;
        }
        String raw = id + "\n" + typed;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Position decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int newline = raw.indexOf('\n');
            String id = raw.substring(0, newline);
            String typed = raw.substring(newline + 1);
            String text = typed.substring(2);
            Object value = switch (typed.substring(0, 2)) {
                case "z:" -> null;
                case "d:" -> Instant.parse(text);
                case "n:" -> Double.parseDouble(text);
                case "b:" -> Boolean.parseBoolean(text);
                case "s:" -> text;
                default -> throw new IllegalArgumentException("unknown cursor type");
            };
            return new Position(value, id);
        } catch (RuntimeException e) {
            throw new InvalidRequestException("cursor", "is not a cursor this service issued");
        }
    }
}
