package org.opencrm.notifications.routing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.EventCatalog;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.events.notifications.RecipientKind;
import org.opencrm.notifications.delivery.Deliveries;
import org.opencrm.notifications.delivery.DeliveryDraft;
import org.opencrm.notifications.directory.Directory;
import org.opencrm.notifications.directory.UserProfile;
import org.opencrm.notifications.preference.PreferenceStore;
import org.opencrm.notifications.preference.Preferences;
import org.opencrm.notifications.template.Templates;
import org.opencrm.platform.consumer.EventIds;
import org.springframework.stereotype.Component;

/**
 * Turns an event into deliveries: the tenant's routes name audiences and channels, the directory names the
 * people and their addresses, preferences and quiet hours shape each message, templates word it. Every
 * (event, channel, recipient) becomes one delivery whose id is derived from them, so a redelivered event
 * adds nothing.
 */
@Component
public class NotificationPlanner {

    private final Routes routes;
    private final Directory directory;
    private final PreferenceStore preferences;
    private final Templates templates;
    private final Deliveries deliveries;
    private final Clock clock;

    NotificationPlanner(
            Routes routes,
            Directory directory,
            PreferenceStore preferences,
            Templates templates,
            Deliveries deliveries,
            Clock clock) {
        this.routes = routes;
        this.directory = directory;
        this.preferences = preferences;
        this.templates = templates;
        this.deliveries = deliveries;
        this.clock = clock;
    }

    public void plan(CrmEvent event) {
        Notice.of(event).ifPresent(notice -> plan(event, notice));
    }

    private void plan(CrmEvent event, Notice notice) {
        String tenant = event.tenantId();
        Map<String, Set<NotificationChannel>> byUser = new LinkedHashMap<>();
        for (RouteRule rule : routes.rules(tenant, notice.topic())) {
            for (String userId : users(tenant, notice, rule.audience())) {
                byUser.computeIfAbsent(userId, u -> new LinkedHashSet<>()).addAll(rule.channels());
            }
        }
        Map<String, String> names = new HashMap<>();
        notice.people().forEach((audience, userId) -> {
            String name = displayName(directory.profile(tenant, userId));
            switch (audience) {
                case ASSIGNEE -> names.put("assigneeName", name);
                case PREVIOUS_ASSIGNEE -> names.put("fromAssigneeName", name);
                case NEW_ASSIGNEE -> names.put("toAssigneeName", name);
                case OWNER -> names.put("ownerName", name);
                case OPERATOR -> names.put("operatorName", name);
                default -> {}
            }
        });
        String ceType = EventCatalog.of(event.getClass()).type();
        byUser.forEach((userId, channels) -> {
            UserProfile profile = directory.profile(tenant, userId);
            Preferences prefs = preferences.of(tenant, userId);
            for (NotificationChannel channel : channels) {
                if (channel == NotificationChannel.WEBHOOK) {
                    continue;
                }
                var draft = draft(event, ceType, notice, names, profile, prefs, channel);
                deliveries.enqueue(tenant, EventIds.derive(event, channel + ":" + userId), draft);
            }
        });
    }

    private DeliveryDraft draft(
            CrmEvent event,
            String ceType,
            Notice notice,
            Map<String, String> names,
            UserProfile profile,
            Preferences prefs,
            NotificationChannel channel) {
        String language = templates.language(profile.language());
        var values = new HashMap<>(notice.values());
        values.put("topic", notice.topic());
        values.putAll(names);
        values.put("recipientName", displayName(profile));
        notice.times().forEach((name, instant) -> values.put(name, format(instant, language, profile.timeZone())));
        var rendered = templates.render(event.tenantId(), notice.topic(), channel, language, values);
        String address = switch (channel) {
            case EMAIL -> profile.email();
            case SMS -> profile.phone();
            default -> profile.userId();
        };
        var draft = new DeliveryDraft(
                event.eventId(),
                ceType,
                null,
                notice.topic(),
                channel,
                RecipientKind.USER,
                profile.userId(),
                address,
                language,
                rendered.subject(),
                rendered.body(),
                notice.urgent(),
                null,
                null);
        if (address == null || address.isBlank()) {
            return draft.suppressed("NO_ADDRESS");
        }
        if (!prefs.wants(notice.topic(), channel)) {
            return draft.suppressed("PREFERENCE");
        }
        boolean intrusive = channel == NotificationChannel.EMAIL || channel == NotificationChannel.SMS;
        if (intrusive && !notice.urgent() && prefs.quietHours() != null) {
            Instant now = clock.instant();
            Instant allowed = prefs.quietHours().nextAllowed(now, profile.timeZone());
            if (allowed.isAfter(now)) {
                return draft.notBefore(allowed);
            }
        }
        return draft;
    }

    private List<String> users(String tenant, Notice notice, Audience audience) {
        return switch (audience) {
            case TEAM_HEADS -> directory.heads(tenant, notice.teamId());
            case TEAM -> directory.members(tenant, notice.teamId());
            case RULE_RECIPIENTS ->
                notice.ruleRecipients().stream()
                        .flatMap(r -> switch (r.kind()) {
                            case DEAL_OWNER, USER -> Stream.ofNullable(r.userId());
                            case TEAM_HEAD -> directory.heads(tenant, r.teamId()).stream();
                            case TEAM -> directory.members(tenant, r.teamId()).stream();
                        })
                        .distinct()
                        .toList();
            default ->
                notice.people().containsKey(audience) ? List.of(notice.people().get(audience)) : List.of();
        };
    }

    static String displayName(UserProfile profile) {
        return profile.name() != null ? profile.name() : profile.userId();
    }

    /** An instant as the recipient reads it: their language's date style, their zone. */
    public static String format(Instant instant, String language, ZoneId zone) {
        return DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT)
                        .withLocale(Locale.forLanguageTag(language))
                        .withZone(zone)
                        .format(instant)
                + " (" + zone.getId() + ")";
    }
}
