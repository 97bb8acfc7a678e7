-- The roles of each user by the key of their name: what the user feature publishes for others to read (the MFA
-- policy of a second-factor check is found in the same round trip as the user's row lock). Other features read this
-- view, never the user tables themselves.
CREATE VIEW user_role_names AS
    SELECT u.username_key AS username_key, r.role AS role
    FROM users u JOIN user_roles r ON r.user_id = u.id;
