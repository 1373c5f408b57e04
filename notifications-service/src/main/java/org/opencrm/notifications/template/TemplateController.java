package org.opencrm.notifications.template;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.InvalidRequestException;
import org.opencrm.platform.web.NotFoundException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Templates per topic, channel and language: read, tenant overrides (ADMIN) and a preview. */
@RestController
@RequestMapping("/api/notifications/templates")
class TemplateController {

    private final Templates templates;
    private final MongoTemplate mongo;
    private final Clock clock;

    TemplateController(Templates templates, MongoTemplate mongo, Clock clock) {
        this.templates = templates;
        this.mongo = mongo;
        this.clock = clock;
    }

    record TemplateView(
            String topic, NotificationChannel channel, String language, String subject, String body, String source) {}

    record TemplateRequest(
            @Size(max = 500) String subject,
            @NotBlank @Size(max = 20_000) String body) {}

    record PreviewRequest(
            @NotBlank @Pattern(regexp = "[A-Za-z]{1,64}") String topic,
            @NotNull NotificationChannel channel,

            @Pattern(regexp = "[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
            String language,

            @Size(max = 500) String subject,
            @Size(max = 20_000) String body,
            @Size(max = 50) Map<@Size(max = 64) String, @Size(max = 2000) String> values) {}

    @GetMapping("/{topic}/{channel}/{language}")
    TemplateView get(
            @PathVariable String topic,
            @PathVariable NotificationChannel channel,
            @PathVariable String language,
            CurrentUser user) {
        String lang = checkedLanguage(language);
        checkTopic(topic);
        var t = templates.effective(user.tenantId(), topic, channel, lang);
        return new TemplateView(topic, channel, lang, t.subject(), t.body(), t.source());
    }

    @PutMapping("/{topic}/{channel}/{language}")
    @PreAuthorize("hasRole('ADMIN')")
    TemplateView put(
            @PathVariable String topic,
            @PathVariable NotificationChannel channel,
            @PathVariable String language,
            @Valid @RequestBody TemplateRequest request,
            CurrentUser user) {
        String lang = checkedLanguage(language);
        checkTopic(topic);
        mongo.save(new TemplateOverride(
                TemplateOverride.idOf(user.tenantId(), topic, channel.name(), lang),
                user.tenantId(),
                topic,
                channel.name(),
                lang,
                request.subject(),
                request.body(),
                user.userId(),
                clock.instant()));
        return new TemplateView(topic, channel, lang, request.subject(), request.body(), "TENANT");
    }

    @DeleteMapping("/{topic}/{channel}/{language}")
    @PreAuthorize("hasRole('ADMIN')")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void reset(
            @PathVariable String topic,
            @PathVariable NotificationChannel channel,
            @PathVariable String language,
            CurrentUser user) {
        mongo.remove(
                new org.springframework.data.mongodb.core.query.Query(
                        org.springframework.data.mongodb.core.query.Criteria.where("_id")
                                .is(TemplateOverride.idOf(
                                        user.tenantId(), topic, channel.name(), checkedLanguage(language)))),
                TemplateOverride.class);
    }

    /**
     * Renders a template with sample values: the stored one, or the subject and body in the request
     * (to see a draft before saving it). Values in the request replace the samples.
     */
    @PostMapping("/preview")
    Rendered preview(@Valid @RequestBody PreviewRequest request, CurrentUser user) {
        checkTopic(request.topic());
        String lang = templates.language(request.language());
        var values = new HashMap<>(SampleValues.of(request.topic(), lang));
        if (request.values() != null) {
            values.putAll(request.values());
        }
        if (request.body() != null) {
            return new Rendered(
                    request.subject() == null ? null : Templates.fill(request.subject(), values),
                    Templates.fill(request.body(), values));
        }
        return templates.render(user.tenantId(), request.topic(), request.channel(), lang, values);
    }

    private void checkTopic(String topic) {
        if (!templates.knows(topic)) {
            throw new NotFoundException("No template topic " + topic + ".");
        }
    }

    private static String checkedLanguage(String language) {
        if (!Templates.LANGUAGES.contains(language)) {
            throw new InvalidRequestException("language", "must be one of " + Templates.LANGUAGES);
        }
        return language;
    }
}
