-- Keep notes.updated_at current on every update.
CREATE FUNCTION notes_touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER notes_touch_updated_at
    BEFORE UPDATE ON notes
    FOR EACH ROW EXECUTE FUNCTION notes_touch_updated_at();
