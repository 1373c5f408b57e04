package org.opencrm.platform.privacy;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.query.Update;

/**
 * Every name a client had while a service knew them: the current one, earlier ones (a title written before a
 * rename holds the name of its day) and those of cards merged into theirs. When the client is erased (right
 * to be forgotten), {@link #cutFrom} replaces each of them in a free text by {@value #ERASED}.
 *
 * <p>A name is cut only as a whole: not inside a longer word ("Ann" leaves "Annual" alone), in any case
 * (Unicode, so "ИВАН" is cut for "Иван" too), whatever its spaces (one name broken over two spaces or a line),
 * next to any punctuation ("Ivan Petrov's", "(Ivan Petrov)"). Names are literal text, never a pattern. A
 * longer name goes before a part of it, and a text already cut stays as it is, so cutting twice (a redelivered
 * erasure) changes nothing.
 *
 * <p>Services keep the names in a document field ({@link #FIELD}) with {@link #remember} and read them back
 * with {@link #of(String, Collection)}.
 */
public final class ClientNames {

    /** What a cut name becomes. */
    public static final String ERASED = "[erased]";

    /** The conventional field holding a client's names in a service's copy of the client. */
    public static final String FIELD = "knownNames";

    private static final ClientNames NONE = new ClientNames(List.of());
    // Letters, combining marks and digits make a word: a name glued to one of them is part of something else.
    private static final String WORD = "[\\p{L}\\p{M}\\p{N}]";

    /** Longest first; one spelling per name ignoring case. */
    private final List<String> names;

    // Built on first use; a race builds the same pattern twice, harmless.
    private volatile Pattern pattern;

    private ClientNames(List<String> names) {
        this.names = names;
    }

    public static ClientNames none() {
        return NONE;
    }

    public static ClientNames of(String... names) {
        return of(Arrays.asList(names));
    }

    /** The given names; blank ones and {@code null} are left out, a name spelt twice (ignoring case) kept once. */
    public static ClientNames of(Collection<String> names) {
        if (names == null || names.isEmpty()) {
            return NONE;
        }
        var distinct = new LinkedHashMap<String, String>();
        for (String name : names) {
            if (name != null && !name.isBlank()) {
                String normal = Normalizer.normalize(name.strip(), Normalizer.Form.NFC);
                distinct.putIfAbsent(normal.toLowerCase(Locale.ROOT), normal);
            }
        }
        var sorted = new ArrayList<>(distinct.values());
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return sorted.isEmpty() ? NONE : new ClientNames(List.copyOf(sorted));
    }

    /** A copy's names: its current name and the ones it kept (either may be missing). */
    public static ClientNames of(String currentName, Collection<String> knownNames) {
        var all = new ArrayList<String>();
        all.add(currentName);
        if (knownNames != null) {
            all.addAll(knownNames);
        }
        return of(all);
    }

    /** These names and {@code other}'s: a rename adds the new name, a merge the merged card's names. */
    public ClientNames with(ClientNames other) {
        var all = new ArrayList<>(names);
        all.addAll(other.names);
        return of(all);
    }

    public ClientNames with(String name) {
        return with(of(name));
    }

    /** Longest first, so a full name is found before a part of it. */
    public List<String> all() {
        return names;
    }

    public boolean isEmpty() {
        return names.isEmpty();
    }

    /**
     * Adds the names to {@link #FIELD} of the document {@code update} writes, keeping the ones there (a set:
     * a name written twice is there once). Blank names are left out; with none, the update is unchanged.
     */
    public static Update remember(Update update, String... names) {
        var kept = of(names);
        if (kept.names.size() == 1) {
            update.addToSet(FIELD, kept.names.getFirst());
        } else if (!kept.isEmpty()) {
            update.addToSet(FIELD).each(kept.names.toArray());
        }
        return update;
    }

    /**
     * Sorts {@link #FIELD} in place. The set's order is the order its names arrived in, which differs between two
     * deliveries of the same events (a merged card's names come with the merge or with its own later events); a
     * service applies this after {@link #remember} so that its copies end the same whatever the order.
     */
    public static Update sortRemembered() {
        var update = new Update();
        update.push(FIELD).sort(Sort.Direction.ASC).each();
        return update;
    }

    /**
     * The text with every whole occurrence of these names replaced by {@value #ERASED}; the same text (the
     * same instance) when none occurs, so a caller can tell whether anything was cut with {@code ==} or
     * {@code equals}.
     */
    public String cutFrom(String text) {
        if (text == null || text.isEmpty() || names.isEmpty()) {
            return text;
        }
        // Names are kept composed (NFC); a text written decomposed is compared composed and only a text that
        // had a name in it comes back changed.
        String normal = Normalizer.normalize(text, Normalizer.Form.NFC);
        Matcher matcher = pattern().matcher(normal);
        boolean anyName = false;
        while (matcher.find()) {
            if (!matcher.group().equals(ERASED)) {
                anyName = true;
                break;
            }
        }
        if (!anyName) {
            return text;
        }
        return matcher.reset().replaceAll(Matcher.quoteReplacement(ERASED));
    }

    private Pattern pattern() {
        if (pattern == null) {
            String alternatives = names.stream().map(ClientNames::literal).collect(Collectors.joining("|"));
            // The marker is matched first and written back as it is: a client named "Erased" does not grow
            // "[erased]" into "[[erased]]" on every cut.
            pattern = Pattern.compile(
                    Pattern.quote(ERASED) + "|(?<!" + WORD + ")(?:" + alternatives + ")(?!" + WORD + ")",
                    Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        }
        return pattern;
    }

    /** The name as literal text, each run of white space in it matching any run of white space. */
    private static String literal(String name) {
        return Arrays.stream(name.split("\\s+")).map(Pattern::quote).collect(Collectors.joining("\\s+"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientNames other && names.equals(other.names);
    }

    @Override
    public int hashCode() {
        return Objects.hash(names);
    }

    @Override
    public String toString() {
        // Personal data: a log line says how many names, never which.
        return "ClientNames[" + names.size() + " names]";
    }
}
