package org.opencrm.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ETagsTest {

    @Test
    void etagsCarryTheVersion() {
        assertThat(ETags.of(7)).isEqualTo("\"7\"");
        assertThat(ETags.weak(7)).isEqualTo("W/\"7\"");
    }

    @Test
    void ifMatchMatchesStrongWeakListsAndStar() {
        assertThat(ETags.matches("\"7\"", 7)).isTrue();
        assertThat(ETags.matches("W/\"7\"", 7)).isTrue();
        assertThat(ETags.matches("\"5\", \"7\"", 7)).isTrue();
        assertThat(ETags.matches("*", 7)).isTrue();
        assertThat(ETags.matches("\"6\"", 7)).isFalse();
        assertThat(ETags.matches("7", 7))
                .as("an unquoted value is not an entity tag")
                .isFalse();
        assertThat(ETags.matches("\"abc\"", 7)).isFalse();
    }

    @Test
    void checkPassesWithoutTheHeaderAndFailsWhenStale() {
        ETags.checkIfMatch(null, 7);
        ETags.checkIfMatch("\"7\"", 7);

        assertThatThrownBy(() -> ETags.checkIfMatch("\"6\"", 7))
                .isInstanceOfSatisfying(
                        PreconditionFailedException.class,
                        e -> assertThat(e.getHeaders().getETag()).isEqualTo("\"7\""));
        assertThatThrownBy(() -> ETags.requireIfMatch(" ", 7)).isInstanceOf(PreconditionRequiredException.class);
    }

    @Test
    void expectedVersionIsReadOnlyFromOneVersionTag() {
        assertThat(ETags.expectedVersion("\"12\"")).isEqualTo(OptionalLong.of(12));
        assertThat(ETags.expectedVersion("W/\"12\"")).isEqualTo(OptionalLong.of(12));
        assertThat(ETags.expectedVersion(null)).isEmpty();
        assertThat(ETags.expectedVersion("*")).isEmpty();
        assertThat(ETags.expectedVersion("\"1\", \"2\"")).isEmpty();
        assertThat(ETags.expectedVersion("\"x1\"")).isEmpty();
        assertThat(ETags.expectedVersion("\"99999999999999999999\"")).isEmpty();
    }
}
