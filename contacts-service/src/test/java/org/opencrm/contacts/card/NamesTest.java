package org.opencrm.contacts.card;

import static org.assertj.core.api.Assertions.assertThat;

import com.ibm.icu.text.Transliterator;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Names#latin} skips ICU for ASCII text: the answer must be the one ICU's chain gives. */
class NamesTest {

    private static final Transliterator ICU = Transliterator.getInstance("Any-Latin; Latin-ASCII; Lower");

    private static String throughIcu(String text) {
        return ICU.transliterate(text).replaceAll("[^a-z0-9 ]", " ").trim().replaceAll("\\s+", " ");
    }

    @Test
    void asciiTextIsReducedAsIcuReducesIt() {
        var all = new StringBuilder();
        for (char c = 0; c < 0x80; c++) {
            all.append(c);
            String one = "Ab" + c + "Yz";
            assertThat(Names.latin(one)).as("character %d", (int) c).isEqualTo(throughIcu(one));
        }
        assertThat(Names.latin(all.toString())).isEqualTo(throughIcu(all.toString()));
        var random = new Random(11);
        for (int i = 0; i < 2_000; i++) {
            var text = new StringBuilder();
            for (int j = random.nextInt(30); j > 0; j--) {
                text.append((char) random.nextInt(0x80));
            }
            assertThat(Names.latin(text.toString())).isEqualTo(throughIcu(text.toString()));
        }
    }

    @Test
    void otherScriptsStillGoThroughIcu() {
        assertThat(Names.latin("Юлия Шишкина")).isEqualTo(throughIcu("Юлия Шишкина"));
        assertThat(Names.skeleton("Юлия Шишкина")).isEqualTo(Names.skeleton("Yulia Shishkina"));
        assertThat(Names.latin("Zoë O'Neil-Straße")).isEqualTo("zoe o neil strasse");
    }

    private static ContactData person(String first, String last, String companyId, String city) {
        return new ContactData(
                ContactKind.PERSON,
                first,
                last,
                null,
                null,
                null,
                null,
                city,
                null,
                companyId,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    @Test
    void aCardWithoutCompanyOrCityHasNoNameKeysAndOneWithThemHasOneEach() {
        var noScope = person("Client1", "Row1", null, null);
        assertThat(ContactIndex.nameKeys("t1", noScope)).isEmpty();
        var both = person("Yulia", "Shishkina", "co1", "Kazan");
        assertThat(ContactIndex.nameKeys("t1", both)).containsExactly("t1|company:co1|sis", "t1|city:kazan|sis");
    }
}
