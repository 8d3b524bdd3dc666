#!/usr/bin/python3
"""The reference importer the import benchmark compares against: plain Python (json + sqlite3),
writing the same rows Orrery writes (one item per unique track, one row per playlist entry)."""
import json, os, resource, sqlite3, sys, time


def main(corpus, project):
    if os.path.exists(project):
        os.remove(project)
    db = sqlite3.connect(project)
    db.executescript("""
        PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
        CREATE TABLE item(id INTEGER PRIMARY KEY, uri TEXT UNIQUE, title TEXT, artist TEXT, album TEXT);
        CREATE TABLE playlist(id INTEGER PRIMARY KEY, pid INTEGER, name TEXT);
        CREATE TABLE entry(playlist INTEGER, pos INTEGER, item INTEGER, PRIMARY KEY(playlist, pos)) WITHOUT ROWID;
    """)
    ids, entries, size = {}, 0, 0
    start = time.perf_counter()
    with db:
        for name in sorted(os.listdir(corpus)):
            if not name.endswith(".json"):
                continue
            path = os.path.join(corpus, name)
            size += os.path.getsize(path)
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            for p in data["playlists"]:
                cur = db.execute("INSERT INTO playlist(pid, name) VALUES(?, ?)", (p["pid"], p.get("name")))
                pl = cur.lastrowid
                for t in p["tracks"]:
                    uri = t["track_uri"]
                    i = ids.get(uri)
                    if i is None:
                        i = db.execute("INSERT INTO item(uri, title, artist, album) VALUES(?,?,?,?)",
                                       (uri, t.get("track_name"), t.get("artist_name"), t.get("album_name"))).lastrowid
                        ids[uri] = i
                    db.execute("INSERT INTO entry VALUES(?,?,?)", (pl, t["pos"], i))
                    entries += 1
    seconds = time.perf_counter() - start
    print(json.dumps({"bench": "import", "tool": "python-json-sqlite3", "entries": entries, "tracks": len(ids),
                      "bytes": size, "seconds": seconds, "entries_per_s": entries / seconds,
                      "mb_per_s": size / 1e6 / seconds,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
