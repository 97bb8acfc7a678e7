-- Branding of managed code images: one row (id 1) holding the logo that an image carries when asked for (logo=true).
-- The PNG is the server's re-encoding of the upload (pixels only, no metadata chunks), at most 1024 pixels a side.
CREATE TABLE code_branding (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    logo_png     ${bytes},
    logo_width   INTEGER,
    logo_height  INTEGER,
    updated_by   TEXT NOT NULL,
    updated_at   BIGINT NOT NULL
);
