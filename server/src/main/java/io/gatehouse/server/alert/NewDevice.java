package io.gatehouse.server.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.audit.AuditTrail;
import io.gatehouse.server.audit.RecordView;
import io.gatehouse.server.db.ReadTx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@link Rule#NEW_DEVICE}: a device enrolled for a person who enrolled one before. The summary says whether the
 * device's kind or operating system is one that person never enrolled, which is the stronger signal (a second
 * phone of the same make is common; a first desktop passkey for a phone user is not).
 */
final class NewDevice implements Detector {
    private static final Set<String> ACTIONS = Set.of("device.enroll");
    private static final int MAX_EARLIER = 50;

    @Override
    public Rule rule() {
        return Rule.NEW_DEVICE;
    }

    @Override
    public List<Alert.Raised> observe(ReadTx tx, RecordView record, Rule.Settings settings) {
        // 1. Only a successful enrollment of a person's device.
        if (!"device.enroll".equals(record.action()) || !"success".equals(record.result()) || record.user() == null) {
            return List.of();
        }
        // 2. The person's earlier enrollments within the window (this one excluded).
        long at = Instant.parse(record.time()).toEpochMilli();
        List<RecordView> earlier = AuditTrail.recentOfUser(tx, record.user(), ACTIONS, "success",
                at - settings.window().toMillis(), record.chainPosition() - 1, MAX_EARLIER);
        // 3. A first device is expected, not notable.
        if (earlier.size() < settings.threshold()) {
            return List.of();
        }
        // 4. Novelty of kind and operating system among the earlier ones.
        String kind = kind(record);
        String os = text(record.details(), "os");
        boolean newKind = earlier.stream().noneMatch(e -> kind.equals(kind(e)));
        boolean newOs = os != null && earlier.stream().noneMatch(e -> os.equals(text(e.details(), "os")));
        List<String> novelty = new ArrayList<>();
        if (newKind) {
            novelty.add("a device kind (" + kind + ")");
        }
        if (newOs) {
            novelty.add("an operating system (" + os + ")");
        }
        String summary = "a device was enrolled for a person with " + earlier.size() + " earlier enrollment"
                + (earlier.size() == 1 ? "" : "s") + (novelty.isEmpty() ? ""
                        : "; first time for " + String.join(" and ", novelty));
        List<Long> evidence = new ArrayList<>();
        evidence.add(record.id());
        earlier.stream().map(RecordView::id).forEach(evidence::add);
        return List.of(new Alert.Raised(rule(), settings.severity(), "user:" + record.user(), summary,
                evidence.stream().sorted().toList(), rule().code() + "|" + Objects.requireNonNullElse(
                        record.subject(), record.eventId())));
    }

    /** The kind the enrollment recorded; device-key enrollments before kinds were recorded are device keys. */
    private static String kind(RecordView record) {
        String kind = text(record.details(), "kind");
        return kind == null ? "device_key" : kind;
    }

    private static String text(JsonNode details, String field) {
        return details != null && details.hasNonNull(field) && details.get(field).isTextual()
                ? details.get(field).asText() : null;
    }
}
