#include "synth.h"

#include "base/error.h"
#include "base/random.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

namespace orrery::io {

namespace {

constexpr const char *genreNames[] = {"rock",  "pop",   "hip hop", "country",   "jazz",   "electronic", "r&b",
                                      "indie", "metal", "folk",    "classical", "latin",  "reggae",     "blues",
                                      "punk",  "soul",  "house",   "techno",    "gospel", "k-pop"};
constexpr const char *syllables[] = {"ka", "lo", "mi", "ra", "ven", "sol", "ta",  "ri",  "no", "el", "an", "mo",  "sa",
                                     "lu", "be", "da", "ro", "zi",  "fa",  "nel", "cor", "vi", "ma", "qu", "ish", "or"};
constexpr const char *moods[] = {"Chill",   "Workout",    "Throwbacks", "Road Trip", "Party",
                                 "Sleep",   "Focus",      "Summer",     "Rainy Day", "Favorites",
                                 "Morning", "Late Night", "Feels",      "Vibes",     "Oldies"};
constexpr const char base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

std::string word(Random &rng, int minSyl, int maxSyl)
{
    const int n = minSyl + int(rng.below(quint64(maxSyl - minSyl + 1)));
    std::string w;
    for (int i = 0; i < n; ++i)
        w += syllables[rng.below(std::size(syllables))];
    w[0] = char(std::toupper(static_cast<unsigned char>(w[0])));
    return w;
}

std::string spotifyId(quint64 kind, quint64 index)
{
    Random rng(kind * 0x100000001B3ull ^ index);
    std::string id(22, '0');
    for (char &c : id)
        c = base62[rng.below(62)];
    return id;
}

struct Catalogue {
    struct Track {
        int artist;
        int album;
        int durationMs;
        std::string name;
    };
    struct Artist {
        int genre;
        std::string name;
        std::vector<int> tracks;
    };
    std::vector<Track> tracks;
    std::vector<Artist> artists;
    std::vector<std::string> albums;
    std::vector<std::vector<int>> genreTracks; ///< by popularity rank
    std::vector<std::vector<double>> genreCdf; ///< Zipf over ranks
    std::vector<double> genreWeightCdf;
};

Catalogue makeCatalogue(Random &rng, qint64 trackCount, int genres)
{
    Catalogue c;
    const int artistCount = std::max(genres, int(trackCount / 8));
    c.artists.resize(size_t(artistCount));
    for (int a = 0; a < artistCount; ++a) {
        c.artists[size_t(a)].genre = a % genres;
        c.artists[size_t(a)].name = (rng.below(4) == 0 ? "The " : "") + word(rng, 2, 3)
            + (rng.below(3) == 0 ? " " + word(rng, 2, 3) : "");
    }
    c.genreTracks.resize(size_t(genres));
    c.tracks.reserve(size_t(trackCount));
    int album = -1;
    for (qint64 t = 0; t < trackCount; ++t) {
        const int artist = int(rng.below(quint64(artistCount)));
        if (album < 0 || rng.below(10) == 0) {
            c.albums.push_back(word(rng, 2, 4) + (rng.below(2) ? " " + word(rng, 1, 3) : ""));
            album = int(c.albums.size()) - 1;
        }
        c.tracks.push_back({artist, album, 120000 + int(rng.below(240000)), word(rng, 1, 3) + " " + word(rng, 2, 3)});
        c.artists[size_t(artist)].tracks.push_back(int(t));
        c.genreTracks[size_t(c.artists[size_t(artist)].genre)].push_back(int(t));
    }
    // Popularity: Zipf (s = 1) over a shuffled rank within each genre; genres themselves Zipf (s = 0.8).
    c.genreCdf.resize(size_t(genres));
    for (int g = 0; g < genres; ++g) {
        auto &list = c.genreTracks[size_t(g)];
        for (size_t i = list.size(); i > 1; --i)
            std::swap(list[i - 1], list[rng.below(i)]);
        auto &cdf = c.genreCdf[size_t(g)];
        cdf.resize(list.size());
        double sum = 0;
        for (size_t r = 0; r < list.size(); ++r)
            cdf[r] = sum += 1.0 / double(r + 1);
        for (double &v : cdf)
            v /= sum;
    }
    double sum = 0;
    for (int g = 0; g < genres; ++g)
        c.genreWeightCdf.push_back(sum += std::pow(double(g + 1), -0.8));
    for (double &v : c.genreWeightCdf)
        v /= sum;
    return c;
}

size_t drawCdf(const std::vector<double> &cdf, double u)
{
    return size_t(std::min<std::ptrdiff_t>(std::lower_bound(cdf.begin(), cdf.end(), u) - cdf.begin(),
                                           std::ptrdiff_t(cdf.size()) - 1));
}

void appendField(std::string &out, const char *indent, const char *key, const std::string &value, bool comma = true)
{
    out += indent;
    out += '"';
    out += key;
    out += "\": \"";
    for (char ch : value) {
        if (ch == '"' || ch == '\\')
            out += '\\';
        out += ch;
    }
    out += comma ? "\",\n" : "\"\n";
}

void appendNumber(std::string &out, const char *indent, const char *key, qint64 value, bool comma = true)
{
    out += indent;
    out += '"';
    out += key;
    out += "\": ";
    out += std::to_string(value);
    out += comma ? ",\n" : "\n";
}

} // namespace

QString synthGenreName(int genre)
{
    return QString::fromLatin1(genreNames[size_t(genre) % std::size(genreNames)]);
}

std::vector<std::pair<QString, QString>> synthTrackGenres(const SynthOptions &options)
{
    // The catalogue is the first thing drawn from the seed, exactly as writeSynthMpd does.
    Random rng(options.seed);
    const qint64 trackCount = options.tracks > 0 ? options.tracks
                                                 : std::clamp<qint64>(options.playlists * 4, 2000, 2300000);
    const Catalogue cat = makeCatalogue(rng, trackCount, options.genres);
    std::vector<std::pair<QString, QString>> out;
    out.reserve(cat.tracks.size());
    for (size_t t = 0; t < cat.tracks.size(); ++t)
        out.emplace_back(QString::fromStdString("spotify:track:" + spotifyId(1, quint64(t))),
                         synthGenreName(cat.artists[size_t(cat.tracks[t].artist)].genre));
    return out;
}

qint64 writeSynthTrackGenres(const QString &path, const SynthOptions &options)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw Error(path + QStringLiteral(": cannot write: ") + file.errorString());
    const std::vector<std::pair<QString, QString>> genres = synthTrackGenres(options);
    QByteArray chunk;
    for (const auto &[uri, genre] : genres) {
        chunk += uri.toUtf8() + '\t' + genre.toUtf8() + '\n';
        if (chunk.size() > (1 << 20)) {
            file.write(chunk);
            chunk.clear();
        }
    }
    file.write(chunk);
    if (!file.commit())
        throw Error(path + QStringLiteral(": cannot write: ") + file.errorString());
    return qint64(genres.size());
}

SynthStats writeSynthMpd(const QString &outDir, const SynthOptions &options, JobContext &job)
{
    if (options.playlists < 1 || options.playlistsPerFile < 1 || options.genres < 1
        || options.genres > int(std::size(genreNames)))
        throw Error(QStringLiteral("synth: playlists and playlists per file must be positive, genres 1 to %1")
                        .arg(std::size(genreNames)));
    if (!QDir().mkpath(outDir))
        throw Error(outDir + QStringLiteral(": cannot create folder"));
    Random rng(options.seed);
    const qint64 trackCount = options.tracks > 0 ? options.tracks
                                                 : std::clamp<qint64>(options.playlists * 4, 2000, 2300000);
    const Catalogue cat = makeCatalogue(rng, trackCount, options.genres);

    SynthStats stats;
    stats.tracks = trackCount;
    stats.artists = qint64(cat.artists.size());
    std::string out;
    std::vector<int> chosen;
    for (qint64 first = 0; first < options.playlists; first += options.playlistsPerFile) {
        const qint64 last = std::min(options.playlists, first + options.playlistsPerFile);
        out.clear();
        out += "{\n    \"info\": {\n        \"generated_on\": \"2017-12-03 08:41:42.057563\",\n";
        out += "        \"slice\": \"" + std::to_string(first) + "-" + std::to_string(last - 1) + "\",\n";
        out += "        \"version\": \"v1\"\n    },\n    \"playlists\": [\n";
        for (qint64 pid = first; pid < last; ++pid) {
            job.checkCancelled();
            const int genre = int(drawCdf(cat.genreWeightCdf, rng.uniform()));
            const int second = rng.below(10) < 3 ? int(drawCdf(cat.genreWeightCdf, rng.uniform())) : genre;
            const double logLength = 3.72 + 0.9 * rng.normal();
            const int length = std::clamp(5 + int(std::exp(logLength)), 5, 250);
            chosen.clear();
            int attempts = 0;
            while (int(chosen.size()) < length && attempts++ < length * 20) {
                int track;
                if (!chosen.empty() && rng.below(100) < 30) {
                    const auto &byArtist
                        = cat.artists[size_t(cat.tracks[size_t(chosen[rng.below(chosen.size())])].artist)].tracks;
                    track = byArtist[rng.below(byArtist.size())];
                } else {
                    const int g = rng.below(100) < 70 ? genre : second;
                    const auto &list = cat.genreTracks[size_t(g)];
                    if (list.empty())
                        continue;
                    track = list[drawCdf(cat.genreCdf[size_t(g)], rng.uniform())];
                }
                if (std::find(chosen.begin(), chosen.end(), track) == chosen.end())
                    chosen.push_back(track);
            }
            qint64 duration = 0;
            std::vector<int> albums, artists;
            for (int t : chosen) {
                duration += cat.tracks[size_t(t)].durationMs;
                albums.push_back(cat.tracks[size_t(t)].album);
                artists.push_back(cat.tracks[size_t(t)].artist);
            }
            const qint64 numAlbums = qint64(std::set<int>(albums.begin(), albums.end()).size());
            const qint64 numArtists = qint64(std::set<int>(artists.begin(), artists.end()).size());

            const char *in2 = "            ";
            out += "        {\n";
            const std::string mood = moods[rng.below(std::size(moods))];
            appendField(out, in2, "name", rng.below(2) ? mood : std::string(genreNames[genre]) + " " + mood);
            appendField(out, in2, "collaborative", rng.below(50) == 0 ? "true" : "false");
            appendNumber(out, in2, "pid", pid);
            appendNumber(out, in2, "modified_at", 1420070400 + qint64(rng.below(90000000)));
            appendNumber(out, in2, "num_tracks", qint64(chosen.size()));
            appendNumber(out, in2, "num_albums", numAlbums);
            appendNumber(out, in2, "num_followers", 1 + qint64(rng.below(3) == 0 ? rng.below(50) : 0));
            out += "            \"tracks\": [\n";
            for (size_t pos = 0; pos < chosen.size(); ++pos) {
                const auto &t = cat.tracks[size_t(chosen[pos])];
                const auto &artist = cat.artists[size_t(t.artist)];
                const char *in4 = "                    ";
                out += "                {\n";
                appendNumber(out, in4, "pos", qint64(pos));
                appendField(out, in4, "artist_name", artist.name);
                appendField(out, in4, "track_uri", "spotify:track:" + spotifyId(1, quint64(chosen[pos])));
                appendField(out, in4, "artist_uri", "spotify:artist:" + spotifyId(2, quint64(t.artist)));
                appendField(out, in4, "track_name", t.name);
                appendField(out, in4, "album_uri", "spotify:album:" + spotifyId(3, quint64(t.album)));
                appendNumber(out, in4, "duration_ms", t.durationMs);
                appendField(out, in4, "album_name", cat.albums[size_t(t.album)], false);
                out += pos + 1 < chosen.size() ? "                },\n" : "                }\n";
            }
            out += "            ],\n";
            appendNumber(out, in2, "num_edits", 1 + qint64(rng.below(60)));
            appendNumber(out, in2, "duration_ms", duration);
            // Like MPD, only some playlists have a description; here it names the latent genres.
            const bool describe = genre != second || rng.below(4) == 0;
            appendNumber(out, in2, "num_artists", numArtists, describe);
            if (describe)
                appendField(out, in2, "description",
                            std::string(genreNames[genre])
                                + (genre == second ? "" : std::string(" and ") + genreNames[second]),
                            false);
            out += pid + 1 < last ? "        },\n" : "        }\n";
            stats.entries += qint64(chosen.size());
            ++stats.playlists;
        }
        out += "    ]\n}\n";
        const QString path = QDir(outDir).filePath(QStringLiteral("mpd.slice.%1-%2.json").arg(first).arg(last - 1));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || file.write(out.data(), qint64(out.size())) != qint64(out.size()))
            throw Error(path + QStringLiteral(": cannot write: ") + file.errorString());
        stats.bytes += qint64(out.size());
        ++stats.files;
        job.progress(last, options.playlists, QStringLiteral("writing"));
    }
    return stats;
}

} // namespace orrery::io
