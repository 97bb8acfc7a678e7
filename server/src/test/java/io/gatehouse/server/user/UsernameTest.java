package io.gatehouse.server.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The folding that makes two usernames the same user; no database. */
class UsernameTest {

    @Test
    void names_that_differ_only_by_ascii_case_have_one_key() {
        assertThat(Username.parse("carol").orElseThrow().key()).isEqualTo("carol");
        assertThat(Username.parse("Carol").orElseThrow().key()).isEqualTo("carol");
        assertThat(Username.parse("CAROL").orElseThrow().key()).isEqualTo("carol");
        assertThat(Username.parse("CAROL").orElseThrow().display()).isEqualTo("CAROL");
    }

    @Test
    void the_key_does_not_depend_on_the_default_locale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            assertThat("I".toLowerCase()).as("the trap: Turkish lower-cases I to dotless ı").isEqualTo("\u0131");
            assertThat(Username.parse("IVI").orElseThrow().key()).isEqualTo("ivi");
        } finally {
            Locale.setDefault(before);
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "\uff23\uff41\uff52\uff4f\uff4c", // full-width Ｃａｒｏｌ: NFKC would turn it into Carol
        "\u212aarl", // KELVIN SIGN: lower-cases to ASCII k
        "\u0130van", // capital I with dot: lower-cases to i + combining dot
        "\u0131van", // dotless i: upper-cases to ASCII I
        "stra\u00dfe", // ß: case-folds to ss
        "zo\u00eb", // NFC ë
        "zoe\u0308", // NFD e + combining diaeresis: the same name as the line above to a human
        "carol\u200b", // zero-width space
        "",
    })
    void names_outside_the_ascii_alphabet_have_no_key_at_all(String text) {
        assertThat(Username.parse(text)).isEmpty();
    }

    @Test
    void the_user_id_prefix_is_recognised_in_any_case() {
        assertThat(Username.looksLikeUserId("usr_abc")).isTrue();
        assertThat(Username.looksLikeUserId("USR_abc")).isTrue();
        assertThat(Username.looksLikeUserId("usr.abc")).isFalse();
        assertThat(Username.looksLikeUserId("carol")).isFalse();
    }
}
