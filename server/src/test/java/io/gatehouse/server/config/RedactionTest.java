package io.gatehouse.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {
    @Test
    void a_url_keeps_its_user_and_host_and_loses_its_password_and_query() {
        assertThat(Redaction.url("postgresql://gate:s3cret@db.internal:5432/gatehouse?sslmode=require"))
                .isEqualTo("postgresql://gate:***@db.internal:5432/gatehouse?***");
        assertThat(Redaction.url("postgresql://gate@db.internal/gatehouse")).isEqualTo(
                "postgresql://gate@db.internal/gatehouse");
        assertThat(Redaction.url("jdbc:sqlite:/srv/data/gatehouse.db")).isEqualTo("jdbc:sqlite:/srv/data/gatehouse.db");
    }

    @Test
    void an_unencoded_at_sign_or_slash_in_the_password_is_masked_with_the_rest() {
        assertThat(Redaction.url("postgresql://gate:p@ss/w?rd@db.internal/gatehouse"))
                .isEqualTo("postgresql://gate:***@db.internal/gatehouse");
    }

    @Test
    void a_url_without_its_slashes_or_in_keyword_form_still_loses_the_password() {
        assertThat(Redaction.url("jdbc:postgresql//gate:top@secret@db/gatehouse")).isEqualTo("jdbc:***@db/gatehouse");
        assertThat(Redaction.url("host=db user=gate password=s3cret")).isEqualTo("host=db user=gate password=***");
    }

    @Test
    void urls_inside_free_text_lose_their_passwords() {
        assertThat(Redaction.inText("cannot connect to postgresql://gate:s3cret@db.internal/gatehouse: refused"))
                .isEqualTo("cannot connect to postgresql://gate:***@db.internal/gatehouse: refused");
        assertThat(Redaction.inText("FATAL: bad option password=s3cret")).isEqualTo("FATAL: bad option password=***");
        assertThat(Redaction.inText("no url here: a:b@c")).isEqualTo("no url here: a:b@c");
        assertThat(Redaction.inText("expected postgresql://[USER[:PASSWORD]@]HOST/DB")).isEqualTo(
                "expected postgresql://[USER[:PASSWORD]@]HOST/DB");
    }
}
