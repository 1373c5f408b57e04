package org.opencrm.contacts.card;

import com.ibm.icu.text.Transliterator;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Fuzzy name comparison across scripts: {@code Юлия Шишкина} and {@code Yulia Shishkina} reduce to the same
 * skeleton. ICU transliterates any script to plain Latin; a few spelling rules then fold the usual English
 * and scientific transliterations of Cyrillic (yu/iu/ju, sh/š, kh/h, ts/c, y/j/i) onto one form.
 */
final class Names {

    private static final ThreadLocal<Transliterator> TO_LATIN =
            ThreadLocal.withInitial(() -> Transliterator.getInstance("Any-Latin; Latin-ASCII; Lower"));

    private static final String[][] FOLDS = {
        {"shch", "s"}, {"sch", "s"}, {"kh", "h"}, {"zh", "z"}, {"sh", "s"}, {"ch", "c"}, {"ts", "c"}, {"tz", "c"},
        {"yu", "u"}, {"iu", "u"}, {"ju", "u"}, {"ya", "a"}, {"ia", "a"}, {"ja", "a"}, {"yo", "o"}, {"jo", "o"},
        {"ye", "e"}, {"je", "e"}, {"ph", "f"}, {"ck", "k"}, {"w", "v"}, {"ff", "v"}, {"x", "ks"}, {"q", "k"},
        {"y", "i"}, {"j", "i"}, {"ii", "i"}
    };

    private Names() {}

    /** Lower-case Latin letters of a text, any script in. */
    static String latin(String text) {
        if (text == null) {
            return "";
        }
        // ICU's chain leaves ASCII as it is but for the case, and costs a sixth of an import's CPU: ASCII skips it
        String lower =
                isAscii(text) ? text.toLowerCase(Locale.ROOT) : TO_LATIN.get().transliterate(text);
        return lower.replaceAll("[^a-z0-9 ]", " ").trim().replaceAll("\\s+", " ");
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** The comparable form of a name: Latin, spelling variants folded, words sorted. */
    static String skeleton(String name) {
        return Arrays.stream(latin(name).split(" "))
                .filter(word -> !word.isEmpty())
                .map(Names::fold)
                .sorted()
                .collect(Collectors.joining(" "));
    }

    private static String fold(String word) {
        String result = word;
        for (String[] rule : FOLDS) {
            result = result.replace(rule[0], rule[1]);
        }
        return result;
    }

    /** Similarity in [0, 1] of two names' skeletons (1 - normalised Levenshtein distance). */
    static double similarity(String a, String b) {
        String x = skeleton(a);
        String y = skeleton(b);
        if (x.isEmpty() || y.isEmpty()) {
            return 0;
        }
        int longest = Math.max(x.length(), y.length());
        return 1.0 - (double) levenshtein(x, y) / longest;
    }

    /** The first letters of a skeleton word: the bucket a name is filed under for duplicate checks. */
    static String bucketKey(String word) {
        String s = skeleton(word).replace(" ", "");
        return s.length() <= 3 ? s : s.substring(0, 3);
    }

    static String lower(String text) {
        return text == null ? null : text.trim().toLowerCase(Locale.ROOT);
    }

    private static int levenshtein(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
