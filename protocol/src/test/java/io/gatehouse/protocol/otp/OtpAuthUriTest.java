package io.gatehouse.protocol.otp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.codec.Base32;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OtpAuthUriTest {

    private static final byte[] SECRET = "12345678901234567890".getBytes(US_ASCII);

    @Test
    void builds_the_exact_uri_for_a_known_input() {
        String uri = OtpAuthUri.totp("Gatehouse", "alice@example.com", SECRET, TotpParameters.DEFAULT);

        assertThat(uri).isEqualTo("otpauth://totp/Gatehouse:alice%40example.com"
                + "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Gatehouse&algorithm=SHA1&digits=6&period=30");
    }

    @Test
    void writes_non_default_parameters() {
        String uri = OtpAuthUri.totp("Gatehouse", "ops", SECRET, new TotpParameters(OtpAlgorithm.SHA512, 8, 60));

        assertThat(uri).endsWith("&issuer=Gatehouse&algorithm=SHA512&digits=8&period=60");
    }

    @Test
    void percent_encodes_spaces_as_percent_20_and_non_ascii_as_utf8() {
        String uri = OtpAuthUri.totp("ACME Co", "jürgen 🔑@example.com", SECRET, TotpParameters.DEFAULT);

        assertThat(uri).startsWith("otpauth://totp/ACME%20Co:j%C3%BCrgen%20%F0%9F%94%91%40example.com?")
                .contains("&issuer=ACME%20Co&")
                .doesNotContain("+");
    }

    @Test
    void leaves_only_unreserved_characters_unencoded() {
        String uri = OtpAuthUri.totp("A-z.0_9~", "a+b&c=d?e/f#g%h", SECRET, TotpParameters.DEFAULT);

        assertThat(uri).startsWith("otpauth://totp/A-z.0_9~:a%2Bb%26c%3Dd%3Fe%2Ff%23g%25h?");
    }

    @ParameterizedTest(name = "issuer \"{0}\", account \"{1}\"")
    @MethodSource("colons")
    void rejects_a_colon_in_issuer_or_account(String issuer, String account, String message) {
        assertThatThrownBy(() -> OtpAuthUri.totp(issuer, account, SECRET, TotpParameters.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    static Stream<Arguments> colons() {
        return Stream.of(
                Arguments.of("Gate:house", "alice", "otpauth issuer: expected no ':'"),
                Arguments.of("Gatehouse", "alice:admin", "otpauth account name: expected no ':'"),
                Arguments.of(":", "alice", "got one at index 0"));
    }

    @Test
    void rejects_empty_names_and_secrets() {
        assertThatThrownBy(() -> OtpAuthUri.totp("", "alice", SECRET, TotpParameters.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("otpauth issuer: expected a non-empty name, got \"\"");
        assertThatThrownBy(() -> OtpAuthUri.totp("Gatehouse", "", SECRET, TotpParameters.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("otpauth account name: expected a non-empty name, got \"\"");
        assertThatThrownBy(() -> OtpAuthUri.totp("Gatehouse", "alice", new byte[0], TotpParameters.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("otpauth secret: expected at least 1 byte, got 0");
    }

    @Test
    void rejects_unpaired_surrogates_instead_of_writing_question_marks() {
        assertThatThrownBy(() -> OtpAuthUri.totp("Gatehouse", "alice\uD800", SECRET, TotpParameters.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("well-formed Unicode");
    }

    @Test
    void rejects_nulls() {
        assertThatThrownBy(() -> OtpAuthUri.totp(null, "a", SECRET, TotpParameters.DEFAULT)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> OtpAuthUri.totp("i", null, SECRET, TotpParameters.DEFAULT)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> OtpAuthUri.totp("i", "a", null, TotpParameters.DEFAULT)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> OtpAuthUri.totp("i", "a", SECRET, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> OtpAuthUri.parse(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void parses_what_it_builds_for_the_known_input() {
        OtpAuthUri.Parsed parsed = OtpAuthUri.parse(
                OtpAuthUri.totp("Gatehouse", "alice@example.com", SECRET, TotpParameters.DEFAULT));

        assertThat(parsed.type()).isEqualTo("totp");
        assertThat(parsed.issuer()).isEqualTo("Gatehouse");
        assertThat(parsed.account()).isEqualTo("alice@example.com");
        assertThat(parsed.secret()).isEqualTo(SECRET);
        assertThat(parsed.params()).isEqualTo(TotpParameters.DEFAULT);
    }

    /** Characters that need encoding, some that must not be encoded, and non-BMP text; no colon. */
    private static final int[] NAME_CODE_POINTS = " !\"#$%&'()*+,-./09;<=>?@AZ[\\]^_`az{|}~éß€中🔑".codePoints().toArray();

    private static String randomName(SplittableRandom random) {
        StringBuilder name = new StringBuilder();
        int length = random.nextInt(1, 25);
        for (int i = 0; i < length; i++) {
            name.appendCodePoint(NAME_CODE_POINTS[random.nextInt(NAME_CODE_POINTS.length)]);
        }
        // The Key URI format lets spaces precede the account name, so parsers drop them.
        return name.charAt(0) == ' ' ? "x" + name : name.toString();
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void parse_of_build_round_trips(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String issuer = randomName(random);
        String account = randomName(random);
        byte[] secret = new byte[random.nextInt(1, 65)];
        random.nextBytes(secret);
        TotpParameters params = new TotpParameters(
                OtpAlgorithm.values()[random.nextInt(3)], random.nextInt(6, 9), random.nextInt(1, 301));

        String uri = OtpAuthUri.totp(issuer, account, secret, params);
        OtpAuthUri.Parsed parsed = OtpAuthUri.parse(uri);

        assertThat(uri).matches("otpauth://totp/[A-Za-z0-9%._~-]+:[A-Za-z0-9%._~-]+\\?secret=[A-Z2-7]+&issuer=.*");
        assertThat(parsed).isEqualTo(new OtpAuthUri.Parsed("totp", issuer, account, secret, params));
    }

    @Test
    void parses_the_key_uri_format_wiki_examples() {
        OtpAuthUri.Parsed minimal = OtpAuthUri.parse("otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example");
        assertThat(minimal.issuer()).isEqualTo("Example");
        assertThat(minimal.account()).isEqualTo("alice@google.com");
        assertThat(minimal.secret()).isEqualTo(Base32.decode("JBSWY3DPEHPK3PXP"));
        assertThat(minimal.params()).isEqualTo(TotpParameters.DEFAULT);

        OtpAuthUri.Parsed full = OtpAuthUri.parse("otpauth://totp/ACME%20Co:john.doe@email.com"
                + "?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30");
        assertThat(full.issuer()).isEqualTo("ACME Co");
        assertThat(full.account()).isEqualTo("john.doe@email.com");
        assertThat(full.params()).isEqualTo(TotpParameters.DEFAULT);
    }

    @Test
    void parses_third_party_variations() {
        OtpAuthUri.Parsed parsed = OtpAuthUri.parse(
                "OTPAUTH://TOTP/ACME%3A%20%20bob?period=60&digits=8&algorithm=sha256&secret=mzxw6ytboi======&image=x&");

        assertThat(parsed.issuer()).isEqualTo("ACME");
        assertThat(parsed.account()).isEqualTo("bob");
        assertThat(parsed.secret()).isEqualTo("foobar".getBytes(US_ASCII));
        assertThat(parsed.params()).isEqualTo(new TotpParameters(OtpAlgorithm.SHA256, 8, 60));
    }

    @Test
    void an_issuer_may_come_from_the_parameter_alone_or_be_absent() {
        assertThat(OtpAuthUri.parse("otpauth://totp/bob?secret=MY&issuer=ACME").issuer()).isEqualTo("ACME");
        assertThat(OtpAuthUri.parse("otpauth://totp/bob?secret=MY").issuer()).isNull();
    }

    @Test
    void plus_is_a_literal_plus_not_a_space() {
        assertThat(OtpAuthUri.parse("otpauth://totp/A+B:bob?secret=MY&issuer=A%2BB").issuer()).isEqualTo("A+B");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @MethodSource("malformed")
    void parse_rejects_malformed_uris_naming_the_problem(String uri, String expectedFragment) {
        assertThatThrownBy(() -> OtpAuthUri.parse(uri))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expectedFragment);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("", "expected to start with \"otpauth://\""),
                Arguments.of("https://totp/a?secret=MY", "expected to start with \"otpauth://\""),
                Arguments.of("otpauth://hotp/a?secret=MY&counter=1", "otpauth type: expected \"totp\", got \"hotp\""),
                Arguments.of("otpauth://totp?secret=MY", "no '/' after the type"),
                Arguments.of("otpauth://totp/alice", "got no '?'"),
                Arguments.of("otpauth://totp/alice?secret=MY#frag", "expected no fragment"),
                Arguments.of("otpauth://totp/?secret=MY", "otpauth account name: expected a non-empty name"),
                Arguments.of("otpauth://totp/ACME:?secret=MY", "otpauth account name: expected a non-empty name"),
                Arguments.of("otpauth://totp/:bob?secret=MY", "otpauth label issuer: expected a non-empty name"),
                Arguments.of("otpauth://totp/a:b:c?secret=MY", "otpauth account name: expected no ':'"),
                Arguments.of("otpauth://totp/a?issuer=ACME", "expected a secret parameter, got none"),
                Arguments.of("otpauth://totp/a?secret=", "otpauth secret: expected at least 1 byte, got 0"),
                Arguments.of("otpauth://totp/a?secret=MY1", "otpauth secret: Base32: expected A-Z"),
                Arguments.of("otpauth://totp/a?secret=MY&secret=MZ", "expected parameter secret once"),
                Arguments.of("otpauth://totp/a?secret", "expected NAME=VALUE"),
                Arguments.of("otpauth://totp/a?=x&secret=MY", "expected NAME=VALUE"),
                Arguments.of("otpauth://totp/A:b?secret=MY&issuer=B", "label prefix \"A\", got \"B\""),
                Arguments.of("otpauth://totp/a?secret=MY&issuer=A%3AB", "otpauth issuer parameter: expected no ':'"),
                Arguments.of("otpauth://totp/a%G1?secret=MY", "expected '%' followed by two hex digits at index 1, got \"%G1\""),
                Arguments.of("otpauth://totp/a?secret=MY&issuer=%4", "got \"%4\""),
                Arguments.of("otpauth://totp/j\u00fcrgen?secret=MY", "got U+00FC at index 1"),
                Arguments.of("otpauth://totp/a\tb?secret=MY", "got U+0009 at index 1"),
                Arguments.of("otpauth://totp/%C3%28?secret=MY", "otpauth label: expected percent-escapes to form UTF-8"),
                Arguments.of("otpauth://totp/a?secret=MY&algorithm=MD5", "expected one of SHA1, SHA256, SHA512"),
                Arguments.of("otpauth://totp/a?secret=MY&digits=six", "otpauth digits: expected a decimal integer, got \"six\""),
                Arguments.of("otpauth://totp/a?secret=MY&digits=+6", "otpauth digits: expected a decimal integer"),
                Arguments.of("otpauth://totp/a?secret=MY&digits=9", "OTP digits: expected 6..8, got 9"),
                Arguments.of("otpauth://totp/a?secret=MY&period=0", "TOTP period: expected 1..300 seconds, got 0"),
                Arguments.of("otpauth://totp/a?secret=MY&period=99999999999", "otpauth period: expected a decimal integer"));
    }

    @Test
    void parsed_copies_the_secret_in_and_out() {
        byte[] secret = SECRET.clone();
        OtpAuthUri.Parsed parsed = new OtpAuthUri.Parsed("totp", "G", "a", secret, TotpParameters.DEFAULT);
        secret[0] ^= 1;
        parsed.secret()[1] ^= 1;

        assertThat(parsed.secret()).isEqualTo(SECRET);
    }

    @Test
    void parsed_compares_secrets_by_content_and_never_prints_them() {
        OtpAuthUri.Parsed a = new OtpAuthUri.Parsed("totp", "G", "a", SECRET, TotpParameters.DEFAULT);
        OtpAuthUri.Parsed b = new OtpAuthUri.Parsed("totp", "G", "a", SECRET.clone(), TotpParameters.DEFAULT);
        OtpAuthUri.Parsed other = new OtpAuthUri.Parsed("totp", "G", "a", new byte[] {1}, TotpParameters.DEFAULT);

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(other);
        assertThat(a.toString()).contains("secret=(20 bytes)").doesNotContain(Base32.encode(SECRET));
    }

    @Test
    void parsed_rejects_an_empty_account() {
        assertThatThrownBy(() -> new OtpAuthUri.Parsed("totp", null, "", SECRET, TotpParameters.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("otpauth account: expected a non-empty name, got \"\"");
    }
}
