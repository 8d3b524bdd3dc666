#pragma once

namespace orrery::schema {

/// Migration i brings a file from user_version i to i + 1. Append, never edit.
inline constexpr const char *migrations[] = {
    // 0 -> 1: the first schema.
    R"sql(
CREATE TABLE dataset(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,               -- playlists | documents | records | vectors
    format TEXT NOT NULL,             -- the importer that read it
    sources TEXT NOT NULL DEFAULT '[]', -- JSON array of the imported paths
    attrs TEXT,                       -- JSON object (e.g. MPD "info")
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));

-- Items are shared across datasets: (kind, identity) is what makes two rows one song.
CREATE TABLE item(
    id INTEGER PRIMARY KEY,
    kind INTEGER NOT NULL,            -- ItemKind
    identity TEXT NOT NULL,
    key TEXT NOT NULL,                -- the source key first seen
    title TEXT, artist TEXT, album TEXT,
    body TEXT,                        -- document text
    attrs TEXT);                      -- JSON object
CREATE UNIQUE INDEX item_identity ON item(kind, identity);

-- Which items a dataset holds, under which source key.
CREATE TABLE dataset_item(
    dataset_id INTEGER NOT NULL REFERENCES dataset(id) ON DELETE CASCADE,
    item_id INTEGER NOT NULL REFERENCES item(id),
    key TEXT NOT NULL,
    PRIMARY KEY(dataset_id, item_id)) WITHOUT ROWID;
CREATE INDEX dataset_item_key ON dataset_item(key);

-- A playlist or a document: an item of its own plus its ordered entries,
-- packed as little-endian int64 item ids (one read per sequence, no per-entry rows).
CREATE TABLE sequence(
    item_id INTEGER PRIMARY KEY REFERENCES item(id),
    dataset_id INTEGER NOT NULL REFERENCES dataset(id) ON DELETE CASCADE,
    length INTEGER NOT NULL,
    entries BLOB NOT NULL);
CREATE INDEX sequence_dataset ON sequence(dataset_id);

CREATE TABLE tag(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'tag', -- tag | label
    UNIQUE(kind, name));
CREATE TABLE item_tag(
    item_id INTEGER NOT NULL REFERENCES item(id),
    tag_id INTEGER NOT NULL REFERENCES tag(id),
    dataset_id INTEGER NOT NULL REFERENCES dataset(id) ON DELETE CASCADE,
    PRIMARY KEY(item_id, tag_id, dataset_id)) WITHOUT ROWID;
CREATE INDEX item_tag_tag ON item_tag(tag_id);
CREATE INDEX item_tag_dataset ON item_tag(dataset_id);

CREATE VIRTUAL TABLE item_fts USING fts5(
    title, artist, album, body, attrs,
    content='item', content_rowid='id', tokenize='unicode61 remove_diacritics 2');

CREATE TABLE embedding_set(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    dataset_id INTEGER REFERENCES dataset(id) ON DELETE CASCADE,
    item_kind INTEGER NOT NULL,
    method TEXT NOT NULL,
    params TEXT NOT NULL DEFAULT '{}',
    dim INTEGER NOT NULL,
    count INTEGER NOT NULL,
    ids BLOB NOT NULL,                -- int64 item id per row
    vectors BLOB NOT NULL,            -- count x dim float32, row-major
    quantized BLOB,                   -- optional int8 rows
    scales BLOB,                      -- optional float32 per-dimension scale
    rotation BLOB,                    -- optional float32 dim x dim PCA rotation
    stats TEXT NOT NULL DEFAULT '{}',
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));

CREATE TABLE index_blob(
    id INTEGER PRIMARY KEY,
    set_id INTEGER NOT NULL REFERENCES embedding_set(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    params TEXT NOT NULL DEFAULT '{}',
    path TEXT,                        -- side file, when the graph is not inline
    data BLOB,
    stats TEXT NOT NULL DEFAULT '{}',
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));

CREATE TABLE layout(
    id INTEGER PRIMARY KEY,
    set_id INTEGER NOT NULL REFERENCES embedding_set(id) ON DELETE CASCADE,
    name TEXT NOT NULL UNIQUE,
    method TEXT NOT NULL,
    params TEXT NOT NULL DEFAULT '{}',
    coords BLOB NOT NULL,             -- count x 2 float64, rows as in the set
    stats TEXT NOT NULL DEFAULT '{}',
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));

CREATE TABLE bookmark(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    state TEXT NOT NULL,              -- JSON: layout, camera, selection, colouring
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));
)sql",
    // 1 -> 2: clusterings of a set (k-means in its space) or of a layout (density on the map), with
    // their hierarchy and c-TF-IDF labels.
    R"sql(
CREATE TABLE clustering(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    set_id INTEGER NOT NULL REFERENCES embedding_set(id) ON DELETE CASCADE,
    layout_id INTEGER REFERENCES layout(id) ON DELETE CASCADE, -- density clusterings only
    method TEXT NOT NULL,             -- kmeans | density
    params TEXT NOT NULL DEFAULT '{}',
    stats TEXT NOT NULL DEFAULT '{}',
    assignment BLOB NOT NULL,         -- int32 finest cluster per row of the set, -1 for noise
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));
CREATE TABLE cluster(
    clustering_id INTEGER NOT NULL REFERENCES clustering(id) ON DELETE CASCADE,
    cluster INTEGER NOT NULL,
    level INTEGER NOT NULL,           -- 0 is the finest
    parent INTEGER NOT NULL,          -- the cluster one level coarser, -1 at the top
    size INTEGER NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    terms TEXT NOT NULL DEFAULT '[]', -- JSON [[term, score], ...], most distinctive first
    PRIMARY KEY(clustering_id, cluster)) WITHOUT ROWID;
)sql",
    // 2 -> 3: trained sequence models (seq2seq, pvdbow), their state split over rows.
    R"sql(
CREATE TABLE model(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,        -- the embedding set it encodes
    dataset_id INTEGER REFERENCES dataset(id) ON DELETE CASCADE,
    method TEXT NOT NULL,             -- seq2seq | pvdbow
    params TEXT NOT NULL DEFAULT '{}',
    stats TEXT NOT NULL DEFAULT '{}',
    bytes INTEGER NOT NULL,
    updated TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));
CREATE TABLE model_chunk(
    model_id INTEGER NOT NULL REFERENCES model(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    UNIQUE(model_id, seq));
)sql",
};

} // namespace orrery::schema
