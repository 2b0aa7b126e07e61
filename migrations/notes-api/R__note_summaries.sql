-- What the notes list endpoint reads: each note with its tags.
CREATE OR REPLACE VIEW note_summaries AS
SELECT n.id,
       n.title,
       left(n.body, 140)                                         AS excerpt,
       coalesce(array_agg(t.tag ORDER BY t.tag) FILTER (WHERE t.tag IS NOT NULL), '{}') AS tags,
       n.updated_at
FROM notes n
LEFT JOIN note_tags t ON t.note_id = n.id
GROUP BY n.id;
