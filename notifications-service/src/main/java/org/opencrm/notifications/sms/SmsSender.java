package org.opencrm.notifications.sms;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.notifications.NotificationsProperties;
import org.opencrm.notifications.delivery.ChannelSender;
import org.opencrm.notifications.delivery.Delivery;
import org.opencrm.notifications.delivery.SendFailure;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * SMS through one generic JSON provider API: {@code POST <url>} with
 * {@code {"from","to","text","reference"}} and, when an API key is set, {@code Authorization: Bearer}.
 * {@code reference} is the delivery id, which providers use to drop a repeated submission. 2xx is
 * accepted; 400/422 mean the number or text is refused (not retried); anything else is retried.
 */
@Component
class SmsSender implements ChannelSender {

    private final NotificationsProperties.Sms settings;
    private final JsonMapper json;
    private final HttpClient http;

    SmsSender(NotificationsProperties properties, JsonMapper json) {
        this.settings = properties.sms();
        this.json = json;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public NotificationChannel channel() {
        return NotificationChannel.SMS;
    }

    @Override
    public Integer send(Delivery delivery) throws SendFailure {
        String body = json.writeValueAsString(json.createObjectNode()
                .put("from", settings.from())
                .put("to", delivery.address())
                .put("text", delivery.body())
                .put("reference", delivery.getId()));
        var request = HttpRequest.newBuilder(settings.url())
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (!settings.apiKey().isBlank()) {
            request.header("Authorization", "Bearer " + settings.apiKey());
        }
        int status;
        try {
            status = http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (HttpTimeoutException e) {
            throw SendFailure.transientFailure("TIMEOUT", null, e);
        } catch (ConnectException e) {
            throw SendFailure.unreachable("UNREACHABLE", e);
        } catch (IOException e) {
            throw SendFailure.transientFailure("IO_ERROR", null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SendFailure.transientFailure("INTERRUPTED", null, e);
        }
        if (status / 100 == 2) {
            return status;
        }
        if (status == 400 || status == 422) {
            throw SendFailure.permanent("INVALID_ADDRESS", status, null);
        }
        throw SendFailure.transientFailure("HTTP_" + status, status, null);
    }
}
