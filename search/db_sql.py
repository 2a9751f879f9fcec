"""Full-text structures the ORM cannot describe, per database. A later migration that makes SQLite remake
portal_search_searchdocument or portal_search_searchterm (most ALTERs do) drops their triggers: run
`SQLITE_TRIGGERS` again in that migration."""

from django.db import migrations

DOC = "portal_search_searchdocument"
TERM = "portal_search_searchterm"

SQLITE_TABLES = [
    # Dutch stems made in Python (search.analysis); title weighs more in bm25().
    f"CREATE VIRTUAL TABLE search_fts USING fts5(title_stems, body_stems, content='{DOC}', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    # Trigrams of the vocabulary: words that contain a typed word ("lab" in "drugslab") and candidates for
    # "bedoelde u".
    f"CREATE VIRTUAL TABLE search_term_parts USING fts5(word, content='{TERM}', content_rowid='id', "
    "tokenize='trigram')",
]
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS search_document_ai AFTER INSERT ON {DOC} BEGIN
        INSERT INTO search_fts(rowid, title_stems, body_stems) VALUES (new.id, new.title_stems, new.body_stems);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_document_ad AFTER DELETE ON {DOC} BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_stems, body_stems)
            VALUES ('delete', old.id, old.title_stems, old.body_stems);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_document_au AFTER UPDATE ON {DOC} BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_stems, body_stems)
            VALUES ('delete', old.id, old.title_stems, old.body_stems);
        INSERT INTO search_fts(rowid, title_stems, body_stems) VALUES (new.id, new.title_stems, new.body_stems);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_term_ai AFTER INSERT ON {TERM} BEGIN
        INSERT INTO search_term_parts(rowid, word) VALUES (new.id, new.word);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_term_ad AFTER DELETE ON {TERM} BEGIN
        INSERT INTO search_term_parts(search_term_parts, rowid, word) VALUES ('delete', old.id, old.word);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_term_au AFTER UPDATE ON {TERM} BEGIN
        INSERT INTO search_term_parts(search_term_parts, rowid, word) VALUES ('delete', old.id, old.word);
        INSERT INTO search_term_parts(rowid, word) VALUES (new.id, new.word);
    END""",
]
SQLITE_REVERSE = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in ("search_document_ai", "search_document_ad", "search_document_au")),
    *(f"DROP TRIGGER IF EXISTS {name}" for name in ("search_term_ai", "search_term_ad", "search_term_au")),
    "DROP TABLE IF EXISTS search_fts",
    "DROP TABLE IF EXISTS search_term_parts",
]

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"ALTER TABLE {DOC} ADD COLUMN search_vector tsvector",
    # The `dutch` configuration stems and drops stop words; the text is folded already (no accents). Only the
    # weights A (title) and B (text) are written: PostgresFullText.rank relies on that.
    """CREATE OR REPLACE FUNCTION portal_search_vector_update() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector := setweight(to_tsvector('dutch', coalesce(NEW.title_folded, '')), 'A')
            || setweight(to_tsvector('dutch', coalesce(NEW.text_folded, '')), 'B');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER search_document_vector BEFORE INSERT OR UPDATE ON {DOC}
        FOR EACH ROW EXECUTE FUNCTION portal_search_vector_update()""",
    f"CREATE INDEX search_document_vector_gin ON {DOC} USING GIN (search_vector)",
    f"CREATE INDEX search_document_title_trgm ON {DOC} USING GIN (title_folded gin_trgm_ops)",
    f"CREATE INDEX search_term_word_trgm ON {TERM} USING GIN (word gin_trgm_ops)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS search_term_word_trgm",
    "DROP INDEX IF EXISTS search_document_title_trgm",
    "DROP INDEX IF EXISTS search_document_vector_gin",
    f"DROP TRIGGER IF EXISTS search_document_vector ON {DOC}",
    "DROP FUNCTION IF EXISTS portal_search_vector_update()",
    f"ALTER TABLE {DOC} DROP COLUMN IF EXISTS search_vector",
]

# GIN indexes first collect new entries in a "pending list" that every search reads in full until VACUUM
# (or the pending list limit) merges it; with autovacuum off or behind, a freshly loaded vocabulary of 14,000
# words sat entirely in that list and each trigram lookup took 3-4 ms instead of 0.1 ms. The vocabulary is
# small and read on every search: its index takes new words directly. The document indexes keep the fast
# bulk path and are merged after each write by the engine (PostgresFullText.merge_pending).
GIN_INDEXES = ("search_document_vector_gin", "search_document_title_trgm", "search_term_word_trgm")
POSTGRES_GIN_MERGE = "SELECT " + ", ".join(f"gin_clean_pending_list('{name}'::regclass)" for name in GIN_INDEXES)
POSTGRES_GIN_TUNING = ["ALTER INDEX search_term_word_trgm SET (fastupdate = off)", POSTGRES_GIN_MERGE]
POSTGRES_GIN_TUNING_REVERSE = ["ALTER INDEX search_term_word_trgm RESET (fastupdate)"]


class VendorRunSQL(migrations.RunSQL):
    """RunSQL that only runs on one database vendor (the other vendor's structures differ)."""

    def __init__(self, vendor: str, sql, reverse_sql=None, **kwargs):
        self.vendor = vendor
        super().__init__(sql, reverse_sql, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, *args], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


# One analysis chain (issue #21): PostgreSQL indexes the stems search.analysis makes, as SQLite does, with the
# `simple` configuration (no stemming or stop words of its own): title stems A, text stems B; the folded words
# as written C, for "bedoelde u" (is this word in a document?). Queries name the weights they look in.
POSTGRES_PYTHON_STEMS = [
    """CREATE OR REPLACE FUNCTION portal_search_vector_update() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector := setweight(to_tsvector('simple', coalesce(NEW.title_stems, '')), 'A')
            || setweight(to_tsvector('simple', coalesce(NEW.body_stems, '')), 'B')
            || setweight(to_tsvector('simple', coalesce(NEW.text_folded, '')), 'C');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql""",
]
POSTGRES_PYTHON_STEMS_REVERSE = POSTGRES[2:3]
