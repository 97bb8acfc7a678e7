package io.gatehouse.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.Core;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.RaisedAlerts;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the console reads of alerts: newest first a page at a time, narrowed by state, rule and severity, and the open
 * ones counted by severity.
 */
@DatabaseTest
class AlertListingTest {
    @TempDir
    Path data;

    @Test
    void alerts_are_paged_newest_first_and_the_open_ones_counted_by_severity() {
        try (TestServer server = TestServer.start(data, Map.of("trusted-proxies", "127.0.0.1"))) {
            Core core = server.gatehouse().services().core();
            Alerts alerts = new Alerts(core.database(), core.audit(), new Webhooks(core.database(), core.audit(),
                    core.secrets(), core.clock(), core.random(), List.of()), core.clock(), core.random());
            String first = RaisedAlerts.failureSpike(server, "quinn");
            server.clock().advance(Duration.ofSeconds(1));
            String second = RaisedAlerts.failureSpike(server, "rose");
            server.clock().advance(Duration.ofSeconds(1));
            String third = RaisedAlerts.failureSpike(server, "sara");

            Page.Slice<Alert> page = alerts.newestFirst(Optional.empty(), Optional.empty(), Optional.empty(),
                    Page.of(2, null));
            assertThat(page.items()).extracting(Alert::id).containsExactly(third, second);
            assertThat(page.next()).isNotNull();
            Page.Slice<Alert> rest = alerts.newestFirst(Optional.empty(), Optional.empty(), Optional.empty(),
                    Page.of(2, page.next()));
            assertThat(rest.items()).extracting(Alert::id).containsExactly(first);
            assertThat(rest.next()).isNull();

            server.post("/api/v1/alerts/" + second + "/acknowledge", "");
            assertThat(alerts.newestFirst(Optional.of(Alert.State.OPEN), Optional.of(Rule.FAILURE_SPIKE),
                    Optional.of(Severity.HIGH), Page.of(10, null)).items()).extracting(Alert::id)
                    .containsExactly(third, first);
            assertThat(alerts.newestFirst(Optional.empty(), Optional.empty(), Optional.of(Severity.LOW),
                    Page.of(10, null)).items()).isEmpty();
            assertThat(alerts.openBySeverity()).containsExactlyInAnyOrderEntriesOf(Map.of(Severity.LOW, 0L,
                    Severity.MEDIUM, 0L, Severity.HIGH, 2L, Severity.CRITICAL, 0L));
            assertThat(alerts.openBySeverity().keySet()).as("the most severe first").containsExactly(
                    Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW);
            assertThat(List.of(first, second, third)).doesNotHaveDuplicates();
        }
    }
}
