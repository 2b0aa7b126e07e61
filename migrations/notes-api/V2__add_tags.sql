-- Free-form tags on notes; a note has each tag at most once.
CREATE TABLE note_tags (
    note_id  bigint NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    tag      text   NOT NULL CHECK (tag ~ '^[a-z0-9-]{1,32}$'),
    PRIMARY KEY (note_id, tag)
);

CREATE INDEX note_tags_tag_idx ON note_tags (tag);
