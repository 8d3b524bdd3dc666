#include "sample.h"

#include "base/random.h"
#include "io/importer.h"
#include "io/synth.h"
#include "store/datasets.h"
#include "store/project.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <cctype>
#include <iterator>

namespace orrery::io {

namespace {

struct Topic {
    const char *label;
    const char *headlines[10];
    const char *subjects[8];
    const char *verbs[8];
    const char *objects[8];
    const char *tails[8];
};

// Small per-topic vocabularies, so that word embeddings and label probes have something to find.
constexpr Topic topics[] = {
    {"science",
     {"Astronomers chart a faint nebula beyond Orion", "New battery chemistry survives a thousand charges",
      "Deep sea robots find glowing coral gardens", "Physicists cool atoms to a record low",
      "Ancient pollen reveals a greener Sahara", "Gene editing trial restores sight in mice",
      "Volcano sensors predict eruptions days ahead", "Comet dust carries the building blocks of life",
      "Quantum chip solves a puzzle in minutes", "Migrating birds navigate with a magnetic compass"},
     {"the research team", "a graduate student", "the lead author", "independent scientists", "the laboratory",
      "a field survey", "the new instrument", "early measurements"},
     {"measured", "observed", "confirmed", "questioned", "modelled", "recorded", "compared", "predicted"},
     {"the magnetic field", "a faint signal", "the protein structure", "ocean temperatures", "the reaction rate",
      "distant galaxies", "the fossil record", "the error margins"},
     {"over three years", "with surprising precision", "in a peer-reviewed study", "using a modest budget",
      "before the winter season", "at two separate sites", "despite noisy data", "for the first time"}},
    {"sport",
     {"Underdogs win the cup final on penalties", "Marathon record falls on a cold morning in Berlin",
      "Young sprinter qualifies for the world championships", "Cyclists brave the mountain stage in heavy rain",
      "Tennis veteran reaches another grand slam semi-final", "Rowing crew edges rivals by a fraction of a second",
      "Local club unveils a new stadium for next season", "Swimmer breaks the national record in the relay",
      "Chess prodigy draws against the reigning champion", "Climbers complete the first winter ascent of the ridge"},
     {"the captain", "the home side", "the coach", "a late substitute", "the defending champion",
      "the young goalkeeper", "the visiting team", "the crowd"},
     {"celebrated", "defended", "chased", "dominated", "lost", "secured", "missed", "attacked"},
     {"the second half", "a narrow lead", "the title", "an early goal", "the final lap", "the decisive set",
      "a penalty", "the away fixture"},
     {"in front of a full stadium", "after extra time", "under floodlights", "despite an injury",
      "with ten minutes left", "on a muddy pitch", "in the pouring rain", "to loud applause"}},
    {"music",
     {"Orchestra premieres a symphony written for the harbour", "Jazz quartet releases a live album from a tiny club",
      "Folk singer returns with songs about the coast", "Festival lineup mixes techno legends and new bands",
      "Vinyl sales climb for the tenth year running", "Choir of a thousand voices fills the cathedral",
      "Producer builds a studio inside an old lighthouse", "Pianist plays every Chopin nocturne in one night",
      "Street musicians win the city song contest", "Opera house stages a rare baroque revival"},
     {"the band", "the conductor", "a session drummer", "the songwriter", "the string section", "the headliner",
      "a local choir", "the producer"},
     {"recorded", "rehearsed", "performed", "arranged", "remixed", "composed", "sampled", "toured"},
     {"a new ballad", "the opening overture", "an acoustic version", "the debut single", "a forgotten melody",
      "the encore", "a long guitar solo", "the title track"},
     {"in a single take", "for a sold-out audience", "with borrowed instruments", "over a rainy weekend",
      "in an abandoned church", "to critical acclaim", "late into the night", "on analogue tape"}},
    {"travel",
     {"Night trains return to the Alpine valleys", "A slow week on the islands of the Aegean",
      "Cycling the canal paths from Amsterdam to Utrecht", "Desert camps offer the clearest skies for stargazing",
      "Old harbour town reinvents itself as a food capital", "Hiking the coastal trail through the fjords",
      "Budget guide to the markets of Marrakesh", "Ferry routes link the northern lakes once again",
      "Mountain huts open early after a mild spring", "Lisbon trams celebrate a century on the hills"},
     {"the guide", "a family of four", "backpackers", "the ferry captain", "local hosts", "the night train",
      "our group", "early risers"},
     {"explored", "crossed", "recommended", "photographed", "reached", "discovered", "sampled", "mapped"},
     {"the old town", "a quiet beach", "the mountain pass", "street food stalls", "the harbour walls",
      "a hidden waterfall", "the coastal road", "the cathedral square"},
     {"at sunrise", "without a car", "on a tight budget", "before the crowds arrived", "during the off season",
      "by bicycle", "in a single afternoon", "with a paper map"}},
};

template<size_t N> const char *pick(Random &rng, const char *const (&words)[N])
{
    return words[rng.below(N)];
}

void writeBytes(const QString &path, const QByteArray &data)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(data) != data.size())
        throw Error(path + QStringLiteral(": cannot write: ") + file.errorString());
}

void writeArticles(const QString &root)
{
    Random rng(1789);
    for (const Topic &topic : topics) {
        const QString folder = QDir(root).filePath(QLatin1String(topic.label));
        if (!QDir().mkpath(folder))
            throw Error(folder + QStringLiteral(": cannot create folder"));
        for (int i = 0; i < int(std::size(topic.headlines)); ++i) {
            QByteArray text = topic.headlines[i];
            text += "\n\n";
            const int sentences = 3 + int(rng.below(4));
            for (int s = 0; s < sentences; ++s) {
                QByteArray sentence = pick(rng, topic.subjects);
                sentence[0] = char(std::toupper(static_cast<unsigned char>(sentence[0])));
                sentence += ' ';
                sentence += pick(rng, topic.verbs);
                sentence += ' ';
                sentence += pick(rng, topic.objects);
                sentence += ' ';
                sentence += pick(rng, topic.tails);
                sentence += '.';
                text += sentence;
                text += s + 1 < sentences ? ' ' : '\n';
            }
            writeBytes(QDir(folder).filePath(QStringLiteral("%1.txt").arg(i + 1, 2, 10, QLatin1Char('0'))), text);
        }
    }
}

struct Planet {
    const char *name;
    const char *group; ///< terrestrial | gas giant | ice giant | dwarf
    double au;
    double periodDays;
    double radiusKm;
    double massEarths;
    int discovered; ///< 0: known since antiquity
    const char *discoverer;
};

constexpr Planet planets[] = {
    {"Mercury", "terrestrial", 0.387, 87.97, 2439.7, 0.055, 0, nullptr},
    {"Venus", "terrestrial", 0.723, 224.70, 6051.8, 0.815, 0, nullptr},
    {"Earth", "terrestrial", 1.0, 365.26, 6371.0, 1.0, 0, nullptr},
    {"Mars", "terrestrial", 1.524, 686.98, 3389.5, 0.107, 0, nullptr},
    {"Jupiter", "gas giant", 5.203, 4332.59, 69911, 317.8, 0, nullptr},
    {"Saturn", "gas giant", 9.537, 10759.22, 58232, 95.2, 0, nullptr},
    {"Uranus", "ice giant", 19.19, 30688.5, 25362, 14.5, 1781, "William Herschel"},
    {"Neptune", "ice giant", 30.07, 60182, 24622, 17.1, 1846, "Johann Galle"},
    {"Ceres", "dwarf", 2.77, 1680, 469.7, 0.00016, 1801, "Giuseppe Piazzi"},
    {"Pluto", "dwarf", 39.48, 90560, 1188.3, 0.0022, 1930, "Clyde Tombaugh"},
    {"Haumea", "dwarf", 43.13, 103774, 780, 0.00066, 2004, "Mike Brown"},
    {"Makemake", "dwarf", 45.79, 111845, 715, 0.0005, 2005, "Mike Brown"},
    {"Eris", "dwarf", 67.67, 203830, 1163, 0.0028, 2005, "Mike Brown"},
};

struct Moon {
    const char *name;
    const char *parent;
    double radiusKm;
    double periodDays;
    int discovered;
    const char *discoverer;
    const char *features[2];
};

constexpr Moon moons[] = {
    {"Moon", "Earth", 1737.4, 27.32, 0, nullptr, {"maria", "tidally locked"}},
    {"Phobos", "Mars", 11.3, 0.32, 1877, "Asaph Hall", {"Stickney crater", nullptr}},
    {"Deimos", "Mars", 6.2, 1.26, 1877, "Asaph Hall", {"smooth regolith", nullptr}},
    {"Io", "Jupiter", 1821.6, 1.77, 1610, "Galileo Galilei", {"volcanoes", "sulfur plains"}},
    {"Europa", "Jupiter", 1560.8, 3.55, 1610, "Galileo Galilei", {"ice shell", "subsurface ocean"}},
    {"Ganymede", "Jupiter", 2634.1, 7.15, 1610, "Galileo Galilei", {"magnetic field", "grooved terrain"}},
    {"Callisto", "Jupiter", 2410.3, 16.69, 1610, "Galileo Galilei", {"heavily cratered", nullptr}},
    {"Amalthea", "Jupiter", 83.5, 0.50, 1892, "E. E. Barnard", {"red surface", nullptr}},
    {"Himalia", "Jupiter", 85, 250.6, 1904, "Charles Perrine", {"irregular orbit", nullptr}},
    {"Mimas", "Saturn", 198.2, 0.94, 1789, "William Herschel", {"Herschel crater", nullptr}},
    {"Enceladus", "Saturn", 252.1, 1.37, 1789, "William Herschel", {"geysers", "subsurface ocean"}},
    {"Tethys", "Saturn", 531.1, 1.89, 1684, "Giovanni Cassini", {"Ithaca Chasma", nullptr}},
    {"Dione", "Saturn", 561.4, 2.74, 1684, "Giovanni Cassini", {"ice cliffs", nullptr}},
    {"Rhea", "Saturn", 763.8, 4.52, 1672, "Giovanni Cassini", {"bright wisps", nullptr}},
    {"Titan", "Saturn", 2574.7, 15.95, 1655, "Christiaan Huygens", {"thick atmosphere", "methane lakes"}},
    {"Hyperion", "Saturn", 135, 21.28, 1848, "William Lassell", {"sponge-like surface", "chaotic rotation"}},
    {"Iapetus", "Saturn", 734.5, 79.32, 1671, "Giovanni Cassini", {"two-tone surface", "equatorial ridge"}},
    {"Phoebe", "Saturn", 106.5, 550.3, 1899, "William Pickering", {"retrograde orbit", nullptr}},
    {"Miranda", "Uranus", 235.8, 1.41, 1948, "Gerard Kuiper", {"Verona Rupes", nullptr}},
    {"Ariel", "Uranus", 578.9, 2.52, 1851, "William Lassell", {"rift valleys", nullptr}},
    {"Umbriel", "Uranus", 584.7, 4.14, 1851, "William Lassell", {"dark surface", nullptr}},
    {"Titania", "Uranus", 788.9, 8.71, 1787, "William Herschel", {"canyons", nullptr}},
    {"Oberon", "Uranus", 761.4, 13.46, 1787, "William Herschel", {"old cratered surface", nullptr}},
    {"Triton", "Neptune", 1353.4, 5.88, 1846, "William Lassell", {"retrograde orbit", "nitrogen geysers"}},
    {"Nereid", "Neptune", 178, 360.1, 1949, "Gerard Kuiper", {"eccentric orbit", nullptr}},
    {"Proteus", "Neptune", 210, 1.12, 1989, "Voyager 2", {"irregular shape", nullptr}},
    {"Charon", "Pluto", 606, 6.39, 1978, "James Christy", {"Mordor Macula", "tidally locked"}},
};

struct Telescope {
    const char *name;
    const char *site; ///< space | ground
    int firstLight;
    double apertureM;
    const char *agency;
    const char *partner;
    const char *bands[3];
};

constexpr Telescope telescopes[] = {
    {"Hubble Space Telescope", "space", 1990, 2.4, "NASA", "ESA", {"ultraviolet", "visible", "near-infrared"}},
    {"James Webb Space Telescope", "space", 2022, 6.5, "NASA", "ESA", {"near-infrared", "mid-infrared", nullptr}},
    {"Spitzer Space Telescope", "space", 2003, 0.85, "NASA", nullptr, {"infrared", nullptr, nullptr}},
    {"Chandra X-ray Observatory", "space", 1999, 1.2, "NASA", nullptr, {"x-ray", nullptr, nullptr}},
    {"Kepler", "space", 2009, 0.95, "NASA", nullptr, {"visible", nullptr, nullptr}},
    {"TESS", "space", 2018, 0.105, "NASA", "MIT", {"visible", "near-infrared", nullptr}},
    {"Gaia", "space", 2014, 1.45, "ESA", nullptr, {"visible", nullptr, nullptr}},
    {"Herschel Space Observatory", "space", 2009, 3.5, "ESA", "NASA", {"far-infrared", "submillimetre", nullptr}},
    {"Planck", "space", 2009, 1.5, "ESA", nullptr, {"microwave", nullptr, nullptr}},
    {"WISE", "space", 2010, 0.4, "NASA", nullptr, {"infrared", nullptr, nullptr}},
    {"GALEX", "space", 2003, 0.5, "NASA", nullptr, {"ultraviolet", nullptr, nullptr}},
    {"XMM-Newton", "space", 1999, 0.7, "ESA", nullptr, {"x-ray", "ultraviolet", nullptr}},
    {"Euclid", "space", 2023, 1.2, "ESA", "NASA", {"visible", "near-infrared", nullptr}},
    {"Fermi Gamma-ray Space Telescope", "space", 2008, 0, "NASA", "DOE", {"gamma-ray", nullptr, nullptr}},
    {"Very Large Telescope", "ground", 1998, 8.2, "ESO", nullptr, {"visible", "infrared", nullptr}},
    {"Keck Observatory", "ground", 1993, 10.0, "Caltech", "University of California", {"visible", "infrared", nullptr}},
    {"Gran Telescopio Canarias", "ground", 2007, 10.4, "IAC", nullptr, {"visible", "infrared", nullptr}},
    {"Arecibo Observatory", "ground", 1963, 305, "NSF", nullptr, {"radio", nullptr, nullptr}},
    {"ALMA", "ground", 2011, 12, "ESO", "NRAO", {"millimetre", "submillimetre", nullptr}},
    {"Subaru Telescope", "ground", 1999, 8.2, "NAOJ", nullptr, {"visible", "infrared", nullptr}},
};

QString slug(const char *name)
{
    QString s = QString::fromUtf8(name).toLower();
    s.replace(u' ', u'-');
    return s;
}

QJsonArray strings(std::initializer_list<const char *> values)
{
    QJsonArray out;
    for (const char *v : values)
        if (v)
            out.append(QString::fromUtf8(v));
    return out;
}

QJsonValue discovery(int year, const char *by)
{
    if (!year)
        return QJsonValue(QJsonValue::Null);
    return QJsonObject {{QStringLiteral("year"), year}, {QStringLiteral("by"), QString::fromUtf8(by)}};
}

QByteArray records()
{
    QJsonArray out;
    for (const Planet &p : planets) {
        QJsonArray moonIds;
        for (const Moon &m : moons)
            if (qstrcmp(m.parent, p.name) == 0)
                moonIds.append(QString(QStringLiteral("moon-") + slug(m.name)));
        const bool dwarf = qstrcmp(p.group, "dwarf") == 0;
        out.append(QJsonObject {
            {QStringLiteral("id"),
             QString((dwarf ? QStringLiteral("dwarf-") : QStringLiteral("planet-")) + slug(p.name))},
            {QStringLiteral("type"), dwarf ? QStringLiteral("dwarf planet") : QStringLiteral("planet")},
            {QStringLiteral("name"), QString::fromUtf8(p.name)},
            {QStringLiteral("group"), QString::fromUtf8(p.group)},
            {QStringLiteral("orbit"),
             QJsonObject {{QStringLiteral("semi_major_axis_au"), p.au}, {QStringLiteral("period_days"), p.periodDays}}},
            {QStringLiteral("physical"),
             QJsonObject {{QStringLiteral("mean_radius_km"), p.radiusKm},
                          {QStringLiteral("mass_earths"), p.massEarths}}},
            {QStringLiteral("discovered"), discovery(p.discovered, p.discoverer)},
            {QStringLiteral("moons"), moonIds},
        });
    }
    for (const Moon &m : moons) {
        const bool dwarfParent = qstrcmp(m.parent, "Pluto") == 0;
        out.append(QJsonObject {
            {QStringLiteral("id"), QString(QStringLiteral("moon-") + slug(m.name))},
            {QStringLiteral("type"), QStringLiteral("moon")},
            {QStringLiteral("name"), QString::fromUtf8(m.name)},
            {QStringLiteral("parent"),
             QString((dwarfParent ? QStringLiteral("dwarf-") : QStringLiteral("planet-")) + slug(m.parent))},
            {QStringLiteral("orbit"), QJsonObject {{QStringLiteral("period_days"), m.periodDays}}},
            {QStringLiteral("physical"), QJsonObject {{QStringLiteral("mean_radius_km"), m.radiusKm}}},
            {QStringLiteral("discovered"), discovery(m.discovered, m.discoverer)},
            {QStringLiteral("features"), strings({m.features[0], m.features[1]})},
        });
    }
    for (const Telescope &t : telescopes) {
        QJsonObject operators {{QStringLiteral("agency"), QString::fromUtf8(t.agency)}};
        operators.insert(QStringLiteral("partners"), strings({t.partner}));
        QJsonObject record {
            {QStringLiteral("id"), QString(QStringLiteral("telescope-") + slug(t.name))},
            {QStringLiteral("type"), QStringLiteral("telescope")},
            {QStringLiteral("name"), QString::fromUtf8(t.name)},
            {QStringLiteral("site"), QString::fromUtf8(t.site)},
            {QStringLiteral("first_light"), t.firstLight},
            {QStringLiteral("operator"), operators},
            {QStringLiteral("bands"), strings({t.bands[0], t.bands[1], t.bands[2]})},
        };
        if (t.apertureM > 0)
            record.insert(QStringLiteral("aperture_m"), t.apertureM);
        out.append(record);
    }
    return QJsonDocument(out).toJson(QJsonDocument::Indented);
}

void importOrThrow(Project &project, const QString &path, Format format, const char *name, JobContext &job)
{
    ImportOptions options;
    options.format = format;
    options.dataset = QString::fromUtf8(name);
    options.strict = true;
    const ImportResult result = importPaths(project, {path}, options, job);
    if (result.cancelled)
        throw Cancelled();
    if (!result.ok)
        throw Error(QStringLiteral("sample \"%1\": %2").arg(options.dataset, result.error));
}

/// Tags each sample track with its latent genre, so the map can be coloured by it and the
/// neighbours checked against it.
void tagGenres(Project &project, const SynthOptions &synth)
{
    const qint64 datasetId = project.datasetId(QString::fromUtf8(samplePlaylistsName));
    std::vector<std::pair<qint64, QString>> genres;
    for (const auto &[uri, genre] : synthTrackGenres(synth)) {
        const qint64 item = project.itemForKey(uri, datasetId);
        if (!item)
            continue; // in the catalogue, in no playlist
        genres.emplace_back(item, genre);
    }
    try {
        tagItems(project, datasetId, genres);
    } catch (const Error &e) {
        if (e.message().startsWith(u"could not add the tag"))
            throw Error(QStringLiteral("sample: ") + e.message());
        throw;
    }
}

void removeDatabase(const QString &path)
{
    for (const QString &suffix :
         {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral("-journal")}) {
        const QString file = path + suffix;
        if (QFileInfo::exists(file) && !QFile::remove(file))
            throw Error(file + QStringLiteral(": cannot remove"));
    }
}

} // namespace

QString createSampleProject(const QString &projectPath, JobContext &job)
{
    const QFileInfo target(projectPath);
    if (!QDir().mkpath(target.absolutePath()))
        throw Error(target.absolutePath() + QStringLiteral(": cannot create folder"));
    QTemporaryDir scratch;
    if (!scratch.isValid())
        throw Error(QStringLiteral("cannot create a temporary folder: ") + scratch.errorString());

    const QString building = target.absoluteFilePath() + QStringLiteral(".building");
    removeDatabase(building);
    try {
        {
            Project project(building);

            const QString mpd = scratch.filePath(QStringLiteral("playlists"));
            SynthOptions synth;
            synth.playlists = 300;
            synth.seed = 42;
            synth.genres = 8;
            writeSynthMpd(mpd, synth, job);
            importOrThrow(project, mpd, Format::Mpd, samplePlaylistsName, job);
            tagGenres(project, synth);

            const QString articles = scratch.filePath(QStringLiteral("articles"));
            writeArticles(articles);
            importOrThrow(project, articles, Format::Text, sampleArticlesName, job);

            const QString json = scratch.filePath(QStringLiteral("records.json"));
            writeBytes(json, records());
            importOrThrow(project, json, Format::Json, sampleRecordsName, job);
        }
        removeDatabase(projectPath);
        if (!QFile::rename(building, projectPath))
            throw Error(projectPath + QStringLiteral(": cannot move the new sample project into place"));
    } catch (...) {
        try {
            removeDatabase(building);
        } catch (const Error &) {
        }
        throw;
    }
    return projectPath;
}

} // namespace orrery::io
