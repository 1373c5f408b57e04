package org.opencrm.notifications.template;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.notifications.NotificationsProperties;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * Message texts per topic, channel and language: built-in English and Russian (classpath
 * {@code templates/messages_<lang>.properties}), replaced per tenant by {@link TemplateOverride}s.
 * Placeholders are {@code {{name}}}; an unknown one renders empty rather than leaking the syntax to a
 * recipient.
 */
@Component
public class Templates {

    public static final Set<String> LANGUAGES = Set.of("en", "ru");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z][A-Za-z0-9]*)\\s*}}");

    private final Map<String, Properties> builtIn;
    private final MongoTemplate mongo;
    private final String defaultLanguage;

    Templates(MongoTemplate mongo, NotificationsProperties properties) {
        this.mongo = mongo;
        this.builtIn = Map.of("en", load("en"), "ru", load("ru"));
        this.defaultLanguage = language(properties.defaultLanguage(), "en");
    }

    /** The supported language closest to a BCP 47 tag ({@code ru-RU} is {@code ru}); the default otherwise. */
    public String language(String tag) {
        return language(tag, defaultLanguage);
    }

    private static String language(String tag, String fallback) {
        if (tag == null || tag.isBlank()) {
            return fallback;
        }
        String primary = Locale.forLanguageTag(tag).getLanguage();
        return LANGUAGES.contains(primary) ? primary : fallback;
    }

    public Rendered render(
            String tenantId, String topic, NotificationChannel channel, String language, Map<String, String> values) {
        var template = effective(tenantId, topic, channel, language(language));
        return new Rendered(
                template.subject() == null ? null : fill(template.subject(), values), fill(template.body(), values));
    }

    /** A built-in label, e.g. a digest's section title. */
    public String label(String language, String key) {
        return builtIn.get(language(language)).getProperty(key, key);
    }

    Template effective(String tenantId, String topic, NotificationChannel channel, String language) {
        var override = Optional.ofNullable(mongo.findById(
                TemplateOverride.idOf(tenantId, topic, channel.name(), language), TemplateOverride.class));
        return override.map(o -> new Template(o.subject(), o.body(), "TENANT"))
                .orElseGet(() -> builtIn(topic, channel, language));
    }

    Template builtIn(String topic, NotificationChannel channel, String language) {
        Properties texts = builtIn.get(language);
        String subject = text(texts, topic, channel, "subject");
        String body = text(texts, topic, channel, "body");
        if (body == null) {
            body = text(builtIn.get("en"), topic, channel, "body");
            subject = text(builtIn.get("en"), topic, channel, "subject");
        }
        return new Template(subject, body == null ? "{{topic}}" : body, "BUILT_IN");
    }

    boolean knows(String topic) {
        return builtIn.get("en").getProperty(topic + ".body") != null;
    }

    static String fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        var out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(m.group(1), "")));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String text(Properties texts, String topic, NotificationChannel channel, String part) {
        String specific = texts.getProperty(topic + "." + channel.name() + "." + part);
        return specific != null ? specific : texts.getProperty(topic + "." + part);
    }

    private static Properties load(String language) {
        var properties = new Properties();
        var resource = new ClassPathResource("templates/messages_" + language + ".properties");
        try (var reader = new InputStreamReader(resource.getInputStream(), StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    record Template(String subject, String body, String source) {}
}
