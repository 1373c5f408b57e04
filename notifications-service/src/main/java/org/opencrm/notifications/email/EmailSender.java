package org.opencrm.notifications.email;

import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.MimeMessage;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.notifications.NotificationsProperties;
import org.opencrm.notifications.delivery.ChannelSender;
import org.opencrm.notifications.delivery.Delivery;
import org.opencrm.notifications.delivery.SendFailure;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;

/** E-mail over SMTP (Spring Mail, {@code spring.mail.*}). */
@Component
class EmailSender implements ChannelSender {

    private final JavaMailSenderImpl mail;
    private final String from;

    EmailSender(JavaMailSenderImpl mail, NotificationsProperties properties) {
        this.mail = mail;
        this.from = properties.email().from();
    }

    @Override
    public NotificationChannel channel() {
        return NotificationChannel.EMAIL;
    }

    @Override
    public Integer send(Delivery delivery) throws SendFailure {
        MimeMessage message = new MimeMessage(mail.getSession()) {
            // A resend after a crash carries the same Message-ID, so mail clients can fold the copies.
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", "<" + delivery.getId() + "@notifications.opencrm>");
            }
        };
        try {
            var helper = new MimeMessageHelper(message, "UTF-8");
            helper.setFrom(from);
            helper.setTo(delivery.address());
            helper.setSubject(delivery.subject() == null ? "" : delivery.subject());
            helper.setText(delivery.body());
            message.setHeader("X-CRM-Delivery", delivery.getId());
        } catch (AddressException e) {
            throw SendFailure.permanent("INVALID_ADDRESS", null, e);
        } catch (MessagingException e) {
            throw SendFailure.permanent("INVALID_MESSAGE", null, e);
        }
        try {
            mail.send(message);
            return null;
        } catch (MailException e) {
            throw classify(e);
        }
    }

    private static SendFailure classify(MailException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException) {
                return SendFailure.unreachable("SMTP_UNAVAILABLE", e);
            }
            if (t instanceof SocketTimeoutException) {
                return SendFailure.transientFailure("SMTP_TIMEOUT", null, e);
            }
            if (t instanceof SendFailedException sf
                    && sf.getInvalidAddresses() != null
                    && sf.getInvalidAddresses().length > 0) {
                return SendFailure.permanent("INVALID_ADDRESS", null, e);
            }
        }
        return SendFailure.transientFailure("SMTP_ERROR", null, e);
    }
}
