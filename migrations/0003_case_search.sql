-- Full-text search over the posts and cases this instance holds (SQLite FTS5).
-- Kept in step by the application (status create/update/delete), keyed by status id.
CREATE VIRTUAL TABLE `status_search` USING fts5(`status_id` UNINDEXED, `body`, tokenize = 'porter unicode61 remove_diacritics 2');
