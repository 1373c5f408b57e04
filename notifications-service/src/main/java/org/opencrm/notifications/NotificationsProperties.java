package org.opencrm.notifications;

import java.net.URI;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of notifications-service ({@code crm.notifications.*}); every one has an environment variable in
 * application.yml.
 *
 * @param defaultLanguage template language for recipients whose team entry names none
 * @param defaultTimeZone zone for recipients whose team entry names none: quiet hours and digests
 */
@ConfigurationProperties("crm.notifications")
public record NotificationsProperties(
        @DefaultValue("en") String defaultLanguage,
        @DefaultValue("UTC") ZoneId defaultTimeZone,
        @DefaultValue Dispatch dispatch,
        @DefaultValue Email email,
        @DefaultValue Sms sms,
        @DefaultValue Webhooks webhooks,
        @DefaultValue Stream stream,
        @DefaultValue Digest digest,
        @DefaultValue Clients clients,
        @DefaultValue Birthdays birthdays) {

    /**
     * @param pollInterval how often each instance looks for due deliveries
     * @param lease how long a claimed delivery belongs to the instance that claimed it; far longer than any
     *     send may take, so a live instance always settles its claim before another may take it over
     * @param concurrency parallel sends per channel (the channel's bulkhead)
     * @param backoffInitial first wait after a failed attempt; doubled (by {@code backoffMultiplier}) up to
     *     {@code backoffMax}
     * @param giveUpAfter a delivery still failing this long after it was created is FAILED
     * @param breakerOpenFor how long a channel's circuit stays open before it lets a trial call through
     */
    public record Dispatch(
            @DefaultValue("500ms") Duration pollInterval,
            @DefaultValue("60s") Duration lease,
            @DefaultValue("8") int concurrency,
            @DefaultValue("30s") Duration backoffInitial,
            @DefaultValue("2.0") double backoffMultiplier,
            @DefaultValue("1h") Duration backoffMax,
            @DefaultValue("24h") Duration giveUpAfter,
            @DefaultValue("30s") Duration breakerOpenFor) {}

    /** @param from the sender address of every e-mail */
    public record Email(
            @DefaultValue("notifications@opencrm.local") String from) {}

    /**
     * The generic JSON SMS provider: {@code POST url} with {@code {"from","to","text","reference"}} and, if
     * set, {@code Authorization: Bearer apiKey}; any 2xx is accepted.
     */
    public record Sms(
            @DefaultValue("http://127.0.0.1:9999/sms") URI url,
            @DefaultValue("") String apiKey,
            @DefaultValue("OpenCRM") String from,
            @DefaultValue("10s") Duration timeout) {}

    /**
     * @param allowedHosts hosts or IP addresses that may be targeted although they resolve to a loopback,
     *     private or link-local address (an integration inside the company network)
     * @param disableAfterFailures a subscription is disabled after this many failed attempts in a row
     */
    public record Webhooks(
            @DefaultValue List<String> allowedHosts,
            @DefaultValue("20") int disableAfterFailures,
            @DefaultValue("10s") Duration timeout) {}

    /**
     * @param pollInterval how often an open stream looks for notifications stored by any instance
     * @param timeout how long one stream stays open; the browser reconnects with Last-Event-ID
     */
    public record Stream(
            @DefaultValue("1s") Duration pollInterval,
            @DefaultValue("30m") Duration timeout,
            @DefaultValue("15s") Duration heartbeat) {}

    /** @param sendAt local time of the recipient at which a period's digest is due */
    public record Digest(
            @DefaultValue("08:00") LocalTime sendAt,
            @DefaultValue("60s") Duration interval) {}

    /**
     * @param contactsUrl contacts-service, whose segments API lists a campaign's recipients
     * @param publicUrl where clients reach this service's public unsubscribe page
     * @param unsubscribeSecret key of the HMAC that makes unsubscribe links unforgeable
     */
    public record Clients(
            @DefaultValue("http://127.0.0.1:8081") URI contactsUrl,
            @DefaultValue("http://127.0.0.1:8084") URI publicUrl,
            @DefaultValue("change-me") String unsubscribeSecret) {}

    /**
     * Birthday greetings run without a user, so this service reads the day's birthdays from contacts-service
     * with a token of its own: OAuth2 client credentials from the identity provider.
     *
     * @param interval how often each instance checks whether a tenant's greetings are due
     * @param lease how long one tenant's day belongs to the instance that claimed it before another may take
     *     it over (a crashed run is finished by another instance; the delivery ids keep it to one greeting)
     * @param tokenUri the identity provider's token endpoint
     * @param clientId this service's client at the identity provider
     * @param clientSecret its secret; without one no greeting can be prepared (logged at each run)
     * @param scope the scope contacts-service requires for {@code /internal/contacts/birthdays}
     */
    public record Birthdays(
            @DefaultValue("60s") Duration interval,
            @DefaultValue("5m") Duration lease,

            @DefaultValue("http://127.0.0.1:9000/oauth2/token")
            URI tokenUri,

            @DefaultValue("crm-notifications") String clientId,
            @DefaultValue("") String clientSecret,
            @DefaultValue("contacts.birthdays") String scope) {}
}
