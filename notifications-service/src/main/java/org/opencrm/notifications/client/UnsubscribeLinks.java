package org.opencrm.notifications.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.opencrm.notifications.NotificationsProperties;
import org.springframework.stereotype.Component;

/**
 * Unsubscribe links: the token names tenant, contact and channel and carries an HMAC, so a client can
 * withdraw only their own consent and nobody can forge a link for someone else.
 */
@Component
class UnsubscribeLinks {

    private final NotificationsProperties.Clients settings;

    UnsubscribeLinks(NotificationsProperties properties) {
        this.settings = properties.clients();
    }

    record Subject(String tenantId, String contactId, String channel) {}

    String link(String tenantId, String contactId, String channel) {
        String payload = base64(tenantId + "\n" + contactId + "\n" + channel);
        String token = payload + "." + mac(payload);
        return settings.publicUrl().toString().replaceAll("/+$", "") + "/public/unsubscribe?token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    Optional<Subject> verify(String token) {
        int dot = token == null ? -1 : token.indexOf('.');
        if (dot < 1) {
            return Optional.empty();
        }
        String payload = token.substring(0, dot);
        String signature = token.substring(dot + 1);
        if (!MessageDigest.isEqual(
                mac(payload).getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8).split("\n", -1);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return parts.length == 3 ? Optional.of(new Subject(parts[0], parts[1], parts[2])) : Optional.empty();
    }

    private String mac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(settings.unsubscribeSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static String base64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
