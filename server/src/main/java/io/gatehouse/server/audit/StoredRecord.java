package io.gatehouse.server.audit;

import io.gatehouse.server.db.Tx;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.sql.SQLException;

/** One audit row as stored, with its MACs; the unit that sealing and verification work on. */
record StoredRecord(
        long id,
        String eventId,
        long createdAt,
        String actor,
        String action,
        String subjectUser,
        String subject,
        String result,
        String reason,
        String clientAddress,
        String userAgent,
        String details,
        String keyId,
        byte[] contentMac,
        Long chainSeq,
        byte[] chainMac) {

    static final String SELECT = """
            SELECT id, event_id, created_at, actor, action, subject_user, subject, result, reason, client_address,
                   user_agent, details, key_id, content_mac, chain_seq, chain_mac
            FROM audit_log""";

    static StoredRecord from(ResultSet rs) throws SQLException {
        return new StoredRecord(rs.getLong("id"), rs.getString("event_id"), rs.getLong("created_at"),
                rs.getString("actor"), rs.getString("action"), rs.getString("subject_user"), rs.getString("subject"),
                rs.getString("result"), rs.getString("reason"), rs.getString("client_address"),
                rs.getString("user_agent"), rs.getString("details"), rs.getString("key_id"),
                rs.getBytes("content_mac"), Tx.nullableLong(rs, "chain_seq"), rs.getBytes("chain_mac"));
    }

    boolean contentMacValid(AuditMacs macs) {
        byte[] expected = macs.contentMac(keyId, eventId, createdAt, actor, action, subjectUser, subject, result,
                reason, clientAddress, userAgent, details);
        return contentMac != null && MessageDigest.isEqual(expected, contentMac);
    }
}
