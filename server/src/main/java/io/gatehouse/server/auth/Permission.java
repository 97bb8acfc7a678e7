package io.gatehouse.server.auth;

/**
 * One thing a principal may do. Console roles and API token scopes are both sets of permissions, so that the API
 * and the console enforce the same rules: a token with scope {@code helpdesk} can do what a helpdesk person can.
 */
public enum Permission {
    /** List and read people, their devices, TOTP state and recovery codes remaining. */
    USERS_READ,
    /** Create people and change their roles. */
    USERS_WRITE,
    /** Suspend and resume people. */
    USERS_SUSPEND,
    /** Delete people, erasing their personal data. */
    USERS_DELETE,
    /** Create TOTP and device enrollment links. */
    ENROLL,
    /** End a TOTP lockout early. */
    UNLOCK,
    /** Regenerate a person's recovery codes. */
    RECOVERY_REGENERATE,
    /** Revoke devices and TOTP credentials. */
    CREDENTIALS_REVOKE,
    /** Read sites, zones, doors, access rules and readers. */
    DOORS_READ,
    /** Create, edit and delete sites, zones, doors, access rules and readers; provision readers. */
    DOORS_WRITE,
    /** Revoke a reader (a lost or stolen reader is a security matter, not only an installer's). */
    READERS_REVOKE,
    /** Read the audit log. */
    AUDIT_READ,
    /** Export the audit log as files. */
    AUDIT_EXPORT,
    /** Read, acknowledge and resolve alerts. */
    ALERTS,
    /** Read MFA policies. */
    POLICIES_READ,
    /** Change MFA policies. */
    POLICIES_WRITE,
    /** Create, list and revoke API tokens. */
    TOKENS_MANAGE,
    /** Rotate the server's signing keys. */
    KEYS_ROTATE,
    /** Register, list and delete the applications that sign people in through the OpenID Connect provider. */
    OIDC_CLIENTS,
    /** Verify TOTP and recovery codes for an application. */
    VERIFY,
    /** List managed codes, read their scan analytics and render their images. */
    CODES_READ,
    /** Create, change and revoke managed codes; upload and remove the logo of code images. */
    CODES_WRITE
}
