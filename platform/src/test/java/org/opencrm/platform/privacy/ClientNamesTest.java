package org.opencrm.platform.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.query.Update;

class ClientNamesTest {

    @Test
    void keepsEveryNameOnceLongestFirstAcrossRenamesAndMerges() {
        var card = ClientNames.of("Ann Lee", List.of("Ann Lee", "Ann Smith"));
        var afterRename = card.with("Ann Lee-Smith").with(" ");
        var merged = ClientNames.of("ANN SMITH", "Anna Smith");

        var all = afterRename.with(merged).all();

        assertThat(all).containsExactly("Ann Lee-Smith", "Anna Smith", "Ann Smith", "Ann Lee");
        assertThat(ClientNames.of((String) null, null).isEmpty()).isTrue();
        assertThat(ClientNames.of("a", "b").toString())
                .doesNotContain("a]", "b]")
                .contains("2 names");
    }

    @Test
    void cutsWholeNamesInAnyCaseNextToPunctuationAndAcrossSpaces() {
        var names = ClientNames.of("Ivan Petrov", "Ann");

        assertThat(names.cutFrom("Call Ivan Petrov's office (IVAN  PETROV), annual plan for Ann."))
                .isEqualTo("Call [erased]'s office ([erased]), annual plan for [erased].");
        assertThat(names.cutFrom("Meet ivan\npetrov; Anne and Joann stay"))
                .isEqualTo("Meet [erased]; Anne and Joann stay");
        assertThat(ClientNames.of("Иван Петров").cutFrom("Звонок: ИВАН ПЕТРОВ, иван петров"))
                .isEqualTo("Звонок: [erased], [erased]");
    }

    @Test
    void aFullNameGoesBeforeAPartOfIt() {
        assertThat(ClientNames.of("Ivan", "Ivan Petrov").cutFrom("Ivan Petrov and Ivan"))
                .isEqualTo("[erased] and [erased]");
    }

    @Test
    void namesAreLiteralTextNeverAPattern() {
        var names = ClientNames.of("J. R. (Bob) Smith+", "O'Brien $1", ".*");

        assertThat(names.cutFrom("Deal with J. R. (Bob) Smith+ and O'Brien $1 at J R Bob Smith"))
                .isEqualTo("Deal with [erased] and [erased] at J R Bob Smith");
        assertThat(names.cutFrom("nothing here")).isEqualTo("nothing here");
    }

    @Test
    void aTextWithoutTheNamesComesBackAsItWasAndCuttingTwiceChangesNothing() {
        var names = ClientNames.of("Erased", "José");
        String decomposed = Normalizer.normalize("Visit José", Normalizer.Form.NFD);
        String untouched = Normalizer.normalize("Visit Renée", Normalizer.Form.NFD);

        String once = names.cutFrom("Erased client: José");

        assertThat(once).isEqualTo("[erased] client: [erased]");
        assertThat(names.cutFrom(once)).isSameAs(once);
        assertThat(names.cutFrom(decomposed)).isEqualTo("Visit [erased]");
        assertThat(names.cutFrom(untouched)).isSameAs(untouched);
        assertThat(ClientNames.none().cutFrom("Ivan")).isEqualTo("Ivan");
        assertThat(names.cutFrom(null)).isNull();
    }

    @Test
    void remembersNonBlankNamesInTheKnownNamesSet() {
        assertThat(ClientNames.remember(new Update(), "Ann").getUpdateObject())
                .isEqualTo(new Document("$addToSet", new Document("knownNames", "Ann")));
        assertThat(ClientNames.remember(new Update(), " ", null).getUpdateObject())
                .isEmpty();
        var two = ClientNames.remember(new Update(), "Ann", "Ann Lee").getUpdateObject();
        assertThat(two.get("$addToSet", Document.class).get("knownNames").toString())
                .contains("Ann Lee", "Ann");
        assertThat(ClientNames.sortRemembered().modifies(ClientNames.FIELD)).isTrue();
        assertThat(ClientNames.sortRemembered().toString()).contains("$push", "$each", "$sort");
    }
}
