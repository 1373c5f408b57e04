package org.opencrm.e2e;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The mail GreenMail received for one address, read through GreenMail's REST API (the local run's mail viewer). */
public final class Mailbox {

    /** One received message: its subject and the raw MIME text (headers and body). */
    public record Mail(String subject, String mime) {

        /** The body with quoted-printable soft line breaks joined, enough to search it for words. */
        public String body() {
            int start = mime.indexOf("\r\n\r\n");
            String body = start < 0 ? mime : mime.substring(start + 4);
            return body.replace("=\r\n", "");
        }
    }

    private Mailbox() {}

    /** The messages in the address's inbox, oldest first; none when nothing was received yet. */
    public static List<Mail> inbox(String address) {
        var res = Api.send(HttpRequest.newBuilder(LocalPlatform.MAIL.resolve(
                        "/api/user/" + URLEncoder.encode(address, StandardCharsets.UTF_8) + "/messages/INBOX"))
                .timeout(Duration.ofSeconds(10))
                .GET());
        if (res.status() != 200) {
            return List.of(); // GreenMail answers 400 for an address that has received nothing yet
        }
        var mails = new ArrayList<Mail>();
        for (var m : res.json()) {
            mails.add(new Mail(
                    m.path("subject").asString(""), m.path("mimeMessage").asString("")));
        }
        return mails;
    }

    /** The first message whose subject contains the text, if any. */
    public static java.util.Optional<Mail> find(String address, String subjectContains) {
        return inbox(address).stream()
                .filter(m -> m.subject().contains(subjectContains))
                .findFirst();
    }
}
