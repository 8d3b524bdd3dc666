#include "io/readers.h"
#include "io/source.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <unordered_map>
#include <vector>

namespace orrery::io {

namespace {

// SQLite's default SQLITE_MAX_LENGTH: one embedding set's vectors blob cannot be larger.
constexpr qint64 maxSetBytes = 1'000'000'000;
// Rows between progress reports (and cancel checks), whatever their size.
constexpr qint64 rowsPerTick = 1024;
constexpr qint64 bytesPerTick = qint64(1) << 20;

/// A whole file as one buffer: mapped when the system allows it (vector files are
/// large and read once), else read into memory.
class FileBytes final {
public:
    explicit FileBytes(const QString &path) : m_file(path)
    {
        if (!m_file.open(QIODevice::ReadOnly))
            throw Error(path + QStringLiteral(": cannot read: ") + m_file.errorString());
        const qint64 size = m_file.size();
        if (size <= 0)
            return;
        if (uchar *p = m_file.map(0, size)) {
            m_view = std::string_view(reinterpret_cast<const char *>(p), size_t(size));
            return;
        }
        m_copy = readFile(path);
        m_view = std::string_view(m_copy.constData(), size_t(m_copy.size()));
    }
    std::string_view view() const { return m_view; }

private:
    QFile m_file;
    QByteArray m_copy;
    std::string_view m_view;
};

QString fileName(const QString &path)
{
    return QFileInfo(path).fileName();
}

/// A token for an error message: quoted, and cut when long.
QString quoted(std::string_view s)
{
    constexpr size_t limit = 40;
    QString text = qs(s.substr(0, limit));
    if (s.size() > limit)
        text += u'…';
    return u'"' + text + u'"';
}

enum class NumberError { None, NotNumber, NotFinite, OutOfRange };

/// Parses a whole token as a float32 (from_chars: no locale, no allocation).
NumberError parseFloat(std::string_view s, float *out)
{
    if (!s.empty() && s.front() == '+') {
        s.remove_prefix(1);
        if (s.empty() || s.front() == '-' || s.front() == '+')
            return NumberError::NotNumber;
    }
    const char *end = s.data() + s.size();
    const auto [ptr, ec] = std::from_chars(s.data(), end, *out);
    if (ec == std::errc::result_out_of_range && ptr == end) {
        // Out of float range: underflow becomes a (signed) zero or denormal, overflow is an error.
        double d = 0;
        const auto [p2, ec2] = std::from_chars(s.data(), end, d);
        if (ec2 == std::errc() && p2 == end) {
            const float f = float(d);
            if (!std::isfinite(f))
                return NumberError::OutOfRange;
            *out = f;
            return NumberError::None;
        }
        const size_t e = s.find_first_of("eE");
        const bool underflow = e != std::string_view::npos ? (e + 1 < s.size() && s[e + 1] == '-')
                                                           : s.find_first_not_of("-0.") > s.find('.');
        if (!underflow)
            return NumberError::OutOfRange;
        *out = s.front() == '-' ? -0.0f : 0.0f;
        return NumberError::None;
    }
    if (ec != std::errc() || ptr != end)
        return NumberError::NotNumber;
    if (!std::isfinite(*out))
        return NumberError::NotFinite;
    return NumberError::None;
}

/// Parses a token at `column` of `line` in `path`, or throws `path:line:column: expected …`.
void parseValue(std::string_view token, float *out, const QString &path, qint64 line, qint64 column)
{
    switch (parseFloat(token, out)) {
    case NumberError::None: return;
    case NumberError::NotNumber:
        fail(path, line, column,
             token.empty() ? QStringLiteral("expected a number, found an empty field")
                           : QStringLiteral("expected a number, found %1").arg(quoted(token)));
    case NumberError::NotFinite:
        fail(path, line, column, QStringLiteral("expected a finite number, found %1").arg(quoted(token)));
    case NumberError::OutOfRange:
        fail(path, line, column, QStringLiteral("expected a number within float32 range, found %1").arg(quoted(token)));
    }
}

QString tooLarge(qint64 rows, qint64 dim)
{
    return QStringLiteral("%1 vectors of %2 values take %3 MB as float32, more than one embedding set holds (%4 MB)")
        .arg(rows)
        .arg(dim)
        .arg(double(rows) * double(dim) * 4 / 1e6, 0, 'f', 0)
        .arg(maxSetBytes / 1'000'000);
}

/// Whether `rows` x `dim` float32 values exceed what one embedding set holds.
bool exceedsSet(qint64 rows, qint64 dim)
{
    return dim > 0 && rows > maxSetBytes / qint64(sizeof(float)) / dim;
}

/// Turns rows into items and one embedding set. A row whose item was already given a
/// row from this file is a duplicate: the caller skips it (later duplicates lose).
class Collector final {
public:
    Collector(ImportWriter &out, const QString &path, ItemKind kind) : m_out(out), m_path(path), m_kind(kind) { }

    int dim() const { return m_dim; }
    void setDim(int dim) { m_dim = dim; }
    qint64 rows() const { return qint64(m_ids.size()); }
    void reserve(qint64 rows)
    {
        m_ids.reserve(size_t(rows));
        m_values.reserve(size_t(rows) * size_t(m_dim));
        m_firstSeen.reserve(size_t(rows));
    }

    /// Space for the next row's values, or null when the set would grow too large.
    float *row()
    {
        const size_t at = m_values.size();
        if (qint64(at + size_t(m_dim)) * qint64(sizeof(float)) > maxSetBytes)
            return nullptr;
        m_values.resize(at + size_t(m_dim));
        return m_values.data() + at;
    }
    /// Drops the row last handed out by row().
    void drop() { m_values.resize(m_values.size() - size_t(m_dim)); }

    /// Keeps the row last handed out by row() for this item and returns its id; for a
    /// duplicate, drops the row, sets `*firstAt` to where the first one was and returns 0.
    qint64 keep(const ItemFields &fields, qint64 at, qint64 *firstAt)
    {
        const qint64 id = m_out.item(fields);
        const auto [it, added] = m_firstSeen.emplace(id, at);
        if (!added) {
            drop();
            *firstAt = it->second;
            return 0;
        }
        m_ids.push_back(id);
        return id;
    }

    /// Reports progress now and then; checks for cancel.
    void tick(qint64 bytesDone)
    {
        if (++m_sinceTick < rowsPerTick && bytesDone < m_nextTick)
            return;
        m_sinceTick = 0;
        m_nextTick = bytesDone + bytesPerTick;
        m_out.advance(bytesDone);
    }

    /// Stores the rows as the dataset's embedding set (named after the file when an
    /// earlier file of this import already made one).
    void finish(const char *format, const QString &metadataPath = {})
    {
        if (m_ids.empty())
            return;
        std::string params = "{\"format\":";
        appendJsonString(params, format);
        params += ",\"source\":";
        appendJsonString(params, fileName(m_path).toStdString());
        if (!metadataPath.isEmpty()) {
            params += ",\"metadata\":";
            appendJsonString(params, fileName(metadataPath).toStdString());
        }
        params += '}';
        QString name = m_out.datasetName();
        if (m_out.stats().vectors > 0)
            name += u'/' + fileName(m_path);
        m_out.embeddingSet(name, m_kind, QStringLiteral("imported"), m_ids, m_values, m_dim,
                           QString::fromStdString(params));
    }

private:
    ImportWriter &m_out;
    const QString &m_path;
    ItemKind m_kind;
    int m_dim = 0;
    std::vector<qint64> m_ids;
    std::vector<float> m_values;
    std::unordered_map<qint64, qint64> m_firstSeen; ///< item id -> line (or byte) of its row
    qint64 m_sinceTick = 0;
    qint64 m_nextTick = 0;
};

void checkDim(const QString &path, qint64 dim, qint64 line)
{
    if (dim < 1 || dim > std::numeric_limits<int>::max() / 4)
        fail(path, line, 0,
             QStringLiteral("expected a dimension between 1 and %1, found %2")
                 .arg(std::numeric_limits<int>::max() / 4)
                 .arg(dim));
}

// ---------------------------------------------------------------------------------------
// metadata.tsv, by the TensorFlow Projector's rules

bool isLabelColumn(std::string_view name)
{
    const QString n = qs(trimmed(name)).toLower();
    return n == u"label" || n == u"class" || n == u"category" || n == u"genre";
}

/// metadata.tsv: one column means keys and no header; two or more mean a header row.
/// Blank lines are not rows (as in the Projector).
struct Metadata {
    QString path;
    QByteArray bytes; ///< the views below point into it
    std::vector<std::string> header; ///< empty for one column (unless keysAreWords took its first row)
    std::vector<bool> label; ///< per column: also a class label
    int columns = 1;
    std::vector<std::string_view> cells; ///< rows x columns
    std::vector<qint64> lines; ///< per row: its 1-based line

    qint64 rows() const { return qint64(lines.size()); }
    std::string_view cell(qint64 row, int column) const
    {
        return cells[size_t(row) * size_t(columns) + size_t(column)];
    }
};

std::unique_ptr<Metadata> readMetadata(const QString &path)
{
    auto meta = std::make_unique<Metadata>();
    meta->path = path;
    meta->bytes = readFile(path);
    const std::string_view data(meta->bytes.constData(), size_t(meta->bytes.size()));
    requireUtf8(path, data);
    LineReader lines(data);
    std::string_view line;
    bool first = true;
    std::vector<std::string_view> fields;
    while (lines.next(&line)) {
        if (trimmed(line).empty())
            continue;
        fields.clear();
        size_t start = 0;
        for (;;) {
            const size_t tab = line.find('\t', start);
            fields.push_back(
                trimmed(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start)));
            if (tab == std::string_view::npos)
                break;
            start = tab + 1;
        }
        if (first) {
            first = false;
            meta->columns = int(fields.size());
            meta->label.assign(fields.size(), false);
            if (fields.size() > 1) {
                for (size_t c = 0; c < fields.size(); ++c) {
                    meta->header.emplace_back(fields[c].empty() ? "column " + std::to_string(c + 1)
                                                                : std::string(fields[c]));
                    meta->label[c] = c > 0 && isLabelColumn(fields[c]);
                }
                continue;
            }
        }
        if (int(fields.size()) != meta->columns) {
            fail(path, lines.lineNumber(), 0,
                 meta->columns == 1
                     ? QStringLiteral("expected one column (the first row has one), found %1").arg(fields.size())
                     : QStringLiteral("expected %1 tab-separated columns (as the header row), found %2")
                           .arg(meta->columns)
                           .arg(fields.size()));
        }
        meta->cells.insert(meta->cells.end(), fields.begin(), fields.end());
        meta->lines.push_back(lines.lineNumber());
    }
    return meta;
}

/// metadata.tsv beside `path`, or null.
std::unique_ptr<Metadata> siblingMetadata(const QString &path)
{
    const QString meta = QFileInfo(path).dir().filePath(QStringLiteral("metadata.tsv"));
    if (QFileInfo(meta).isFile() && QFileInfo(meta).canonicalFilePath() != QFileInfo(path).canonicalFilePath())
        return readMetadata(meta);
    return nullptr;
}

QString rowCountMessage(const QString &vectorsPath, qint64 vectors, const Metadata &meta, bool atLeast = false)
{
    return QStringLiteral("expected one metadata row per vector: %1 holds %2 vectors, %3 holds %4 rows")
        .arg(fileName(vectorsPath))
        .arg(atLeast ? QStringLiteral("at least ") + QString::number(vectors) : QString::number(vectors))
        .arg(fileName(meta.path))
        .arg(meta.rows());
}

/// Adds the item for vector `row`: keyed by its metadata row (attrs and labels from
/// the other columns) or by its row number. False when it was a duplicate and skipped;
/// `wherePath` and `line` locate the row for that warning.
bool keepVectorRow(Collector &rows, ImportWriter &out, const Metadata *meta, qint64 row, const QString &wherePath,
                   qint64 line, std::string &attrs, bool words = false)
{
    std::string number;
    std::string_view key;
    attrs.clear();
    if (meta) {
        key = meta->cell(row, 0);
        if (meta->columns > 1) {
            for (int c = 1; c < meta->columns; ++c) {
                const std::string_view v = meta->cell(row, c);
                if (v.empty())
                    continue;
                attrs += attrs.empty() ? '{' : ',';
                appendJsonString(attrs, meta->header[size_t(c)]);
                attrs += ':';
                appendJsonString(attrs, v);
            }
            if (!attrs.empty())
                attrs += '}';
        }
    }
    if (key.empty()) {
        number = std::to_string(row);
        key = number;
    }
    ItemFields f;
    f.kind = words ? ItemKind::Word : ItemKind::Vector;
    if (words)
        f.identity = key; // as word2vec and GloVe rows: the same item as the word in a text dataset
    f.key = key;
    f.title = key;
    f.attrs = attrs;
    qint64 first = 0;
    const qint64 id = rows.keep(f, line, &first);
    if (!id) {
        out.skipRecord(location(wherePath, line),
                       QStringLiteral("duplicate key %1 (first on line %2); the later row is skipped")
                           .arg(quoted(key))
                           .arg(first));
        return false;
    }
    if (meta) {
        for (int c = 1; c < meta->columns; ++c)
            if (meta->label[size_t(c)] && !meta->cell(row, c).empty())
                out.tag(id, meta->cell(row, c), true);
    }
    return true;
}

// ---------------------------------------------------------------------------------------
// vectors.tsv (TensorFlow Projector)

/// Whether the metadata's keys are words: its key column is headed `word`, as the Projector's word
/// vector exports write it. A single column headed `word` is taken as a header (against the
/// Projector's rule) only when the tensors hold one row fewer than it; the header row is dropped.
bool keysAreWords(Metadata &meta, std::string_view tensors)
{
    const auto isWord = [](std::string_view s) { return qs(trimmed(s)).compare(u"word", Qt::CaseInsensitive) == 0; };
    if (meta.columns > 1)
        return isWord(meta.header.front());
    if (meta.rows() == 0 || !isWord(meta.cell(0, 0)))
        return false;
    qint64 vectors = 0;
    LineReader lines(tensors);
    std::string_view line;
    while (lines.next(&line))
        vectors += !trimmed(line).empty();
    if (vectors != meta.rows() - 1)
        return false;
    meta.header.emplace_back(meta.cell(0, 0));
    meta.cells.erase(meta.cells.begin());
    meta.lines.erase(meta.lines.begin());
    return true;
}

void readProjector(const QString &path, ImportWriter &out)
{
    const std::unique_ptr<Metadata> meta = siblingMetadata(path);
    const FileBytes file(path);
    const std::string_view data = file.view();
    requireUtf8(path, data);

    const bool words = meta && keysAreWords(*meta, data);
    Collector rows(out, path, words ? ItemKind::Word : ItemKind::Vector);
    LineReader lines(data);
    std::string_view line;
    std::string attrs;
    qint64 row = 0;
    while (lines.next(&line)) {
        const std::string_view t = trimmed(line);
        if (t.empty())
            continue;
        const qint64 lineNo = lines.lineNumber();
        if (rows.dim() == 0) {
            checkDim(path, qint64(std::count(t.begin(), t.end(), '\t')) + 1, lineNo);
            rows.setDim(int(std::count(t.begin(), t.end(), '\t')) + 1);
            // Rows tend to be alike: size the buffers from the first one.
            rows.reserve(meta ? meta->rows() : qint64(data.size() / (line.size() + 1)));
        }
        if (meta && row >= meta->rows())
            fail(path, lineNo, 0, rowCountMessage(path, row + 1, *meta, true));
        float *dst = rows.row();
        if (!dst)
            fail(path, lineNo, 0, tooLarge(row + 1, rows.dim()));
        const int dim = rows.dim();
        int n = 0;
        size_t start = 0;
        for (;;) {
            const size_t tab = t.find('\t', start);
            if (n < dim) {
                const std::string_view raw = t.substr(
                    start, tab == std::string_view::npos ? std::string_view::npos : tab - start);
                const std::string_view field = trimmed(raw);
                const qint64 column = qint64((field.empty() ? raw.data() : field.data()) - line.data()) + 1;
                parseValue(field, dst + n, path, lineNo, column);
            }
            ++n;
            if (tab == std::string_view::npos)
                break;
            start = tab + 1;
        }
        if (n != dim)
            fail(path, lineNo, 0, QStringLiteral("expected %1 values, found %2").arg(dim).arg(n));
        if (meta)
            keepVectorRow(rows, out, meta.get(), row, meta->path, meta->lines[size_t(row)], attrs, words);
        else
            keepVectorRow(rows, out, nullptr, row, path, lineNo, attrs);
        ++row;
        rows.tick(qint64(lines.offset()));
    }
    if (meta && row < meta->rows())
        fail(meta->path, meta->lines[size_t(row)], 0, rowCountMessage(path, row, *meta));
    rows.finish("projector", meta ? meta->path : QString());
}

// ---------------------------------------------------------------------------------------
// word2vec (text and binary), GloVe and fastText .vec

/// A first line of exactly two integers: word2vec's and fastText's `COUNT DIM`.
bool parseHeader(std::string_view line, qint64 *count, qint64 *dim)
{
    line = trimmed(line);
    const size_t gap = line.find_first_of(" \t");
    if (gap == std::string_view::npos)
        return false;
    const std::string_view a = line.substr(0, gap);
    const std::string_view b = trimmed(line.substr(gap));
    const auto integer = [](std::string_view s, qint64 *v) {
        if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return false;
        const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
        return ec == std::errc() && p == s.data() + s.size();
    };
    return integer(a, count) && integer(b, dim);
}

/// Whether the bytes after the header are text: valid UTF-8 without control characters
/// (float32 bytes almost always hold a 0x00-0x1F byte or an invalid sequence).
bool looksLikeText(std::string_view body)
{
    constexpr size_t window = 4096;
    size_t cut = std::min(body.size(), window);
    if (cut < body.size()) {
        // Drop a sequence the window may have split.
        while (cut > 0 && (static_cast<unsigned char>(body[cut - 1]) & 0xC0) == 0x80)
            --cut;
        if (cut > 0 && static_cast<unsigned char>(body[cut - 1]) >= 0xC0)
            --cut;
    }
    const std::string_view head = body.substr(0, cut);
    for (const char ch : head) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return false;
    }
    return firstInvalidUtf8(head) == std::string_view::npos;
}

/// Whether the first row after a header reads as text: a word and `dim` numbers.
bool firstRowIsText(std::string_view body, qint64 dim)
{
    std::string_view line = body.substr(0, body.find('\n'));
    if (line.ends_with('\r'))
        line.remove_suffix(1);
    if (firstInvalidUtf8(line) != std::string_view::npos)
        return false;
    qint64 values = 0;
    bool word = true;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
            ++i;
        if (i == line.size())
            break;
        const size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t')
            ++i;
        if (word) {
            word = false;
            continue;
        }
        float ignored = 0;
        if (parseFloat(line.substr(start, i - start), &ignored) == NumberError::NotNumber)
            return false;
        ++values;
    }
    return values == dim;
}

bool isNumberStart(std::string_view token)
{
    float ignored = 0;
    return parseFloat(token, &ignored) == NumberError::None;
}

/// word2vec text, fastText .vec (both with a `COUNT DIM` header) and GloVe (without).
void readWordText(const QString &path, std::string_view data, bool hasHeader, qint64 count, qint64 dim,
                  const char *format, ImportWriter &out)
{
    requireUtf8(path, data);
    Collector rows(out, path, ItemKind::Word);
    LineReader lines(data);
    std::string_view line;
    if (hasHeader) {
        lines.next(&line);
        rows.setDim(int(dim));
        // At least two bytes per value: never trust a header to size memory.
        rows.reserve(std::min<qint64>(count, qint64(data.size()) / (2 * dim + 2)));
    }
    std::vector<std::string_view> tokens;
    qint64 read = 0;
    while (lines.next(&line)) {
        const qint64 lineNo = lines.lineNumber();
        tokens.clear();
        size_t i = 0;
        while (i < line.size()) {
            while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
                ++i;
            if (i == line.size())
                break;
            const size_t start = i;
            while (i < line.size() && line[i] != ' ' && line[i] != '\t')
                ++i;
            tokens.push_back(line.substr(start, i - start));
        }
        if (tokens.empty())
            continue;
        if (rows.dim() == 0) {
            if (tokens.size() < 2)
                fail(path, lineNo, 0, QStringLiteral("expected a word followed by its values, found one field"));
            checkDim(path, qint64(tokens.size() - 1), lineNo);
            rows.setDim(int(tokens.size() - 1));
            if (!hasHeader)
                rows.reserve(qint64(data.size() / (line.size() + 1)));
        }
        if (hasHeader && read == count)
            fail(path, lineNo, 0,
                 QStringLiteral("expected the end of the file: the header (line 1) says %1 words").arg(count));
        const size_t d = size_t(rows.dim());
        // GloVe's larger files hold words with spaces ("at name@domain.com"): when there
        // are more tokens than a word and its values, the leading ones form the word
        // unless they are numbers too, which makes the row too wide.
        size_t wordTokens = 1;
        if (tokens.size() > d + 1) {
            wordTokens = tokens.size() - d;
            const bool extraNumbers = std::all_of(tokens.begin() + 1, tokens.begin() + qsizetype(wordTokens),
                                                  [](std::string_view t) { return isNumberStart(t); });
            if (extraNumbers)
                fail(path, lineNo, 0, QStringLiteral("expected %1 values, found %2").arg(d).arg(tokens.size() - 1));
        } else if (tokens.size() < d + 1) {
            fail(path, lineNo, 0, QStringLiteral("expected %1 values, found %2").arg(d).arg(tokens.size() - 1));
        }
        float *dst = rows.row();
        if (!dst)
            fail(path, lineNo, 0, tooLarge(read + 1, rows.dim()));
        for (size_t k = 0; k < d; ++k) {
            const std::string_view tok = tokens[wordTokens + k];
            parseValue(tok, dst + k, path, lineNo, qint64(tok.data() - line.data()) + 1);
        }
        const std::string_view word(
            tokens.front().data(),
            size_t(tokens[wordTokens - 1].data() + tokens[wordTokens - 1].size() - tokens.front().data()));
        ItemFields f;
        f.kind = ItemKind::Word;
        f.identity = word;
        f.key = word;
        f.title = word;
        qint64 first = 0;
        if (!rows.keep(f, lineNo, &first))
            out.skipRecord(location(path, lineNo),
                           QStringLiteral("duplicate word %1 (first on line %2); the later row is skipped")
                               .arg(quoted(word))
                               .arg(first));
        ++read;
        rows.tick(qint64(lines.offset()));
    }
    if (hasHeader && read != count)
        fail(path, 1, 0, QStringLiteral("the header says %1 words, but the file holds %2").arg(count).arg(read));
    rows.finish(format);
}

void readWord2VecBinary(const QString &path, std::string_view data, size_t pos, qint64 count, qint64 dim,
                        ImportWriter &out)
{
    const size_t rowBytes = size_t(dim) * sizeof(float);
    if (exceedsSet(count, dim))
        fail(path, 1, 0, tooLarge(count, dim));
    Collector rows(out, path, ItemKind::Word);
    rows.setDim(int(dim));
    rows.reserve(std::min<qint64>(count, qint64(data.size() - pos) / qint64(rowBytes + 2)));
    for (qint64 w = 0; w < count; ++w) {
        // The C tool ends each vector with '\n'; gensim does not.
        while (pos < data.size() && (data[pos] == '\n' || data[pos] == '\r'))
            ++pos;
        if (pos >= data.size())
            failAtByte(path, qint64(pos),
                       QStringLiteral("expected %1 words (as the header says), found %2").arg(count).arg(w));
        const size_t wordStart = pos;
        const size_t space = data.find(' ', pos);
        if (space == std::string_view::npos)
            failAtByte(path, qint64(pos),
                       QStringLiteral("expected a word followed by a space (word %1 of %2)").arg(w + 1).arg(count));
        const std::string_view word = data.substr(pos, space - pos);
        pos = space + 1;
        if (data.size() - pos < rowBytes)
            failAtByte(path, qint64(pos),
                       QStringLiteral("expected %1 float32 values for word %2").arg(dim).arg(quoted(word)));
        float *dst = rows.row();
        std::memcpy(dst, data.data() + pos, rowBytes);
        if constexpr (std::endian::native == std::endian::big) {
            for (qint64 k = 0; k < dim; ++k) {
                quint32 u;
                std::memcpy(&u, dst + k, 4);
                u = (u >> 24) | ((u >> 8) & 0xFF00u) | ((u << 8) & 0xFF0000u) | (u << 24);
                std::memcpy(dst + k, &u, 4);
            }
        }
        for (qint64 k = 0; k < dim; ++k) {
            if (!std::isfinite(dst[k]))
                failAtByte(path, qint64(pos) + 4 * k,
                           QStringLiteral("expected a finite float32 value for word %1, found %2")
                               .arg(quoted(word), QString::number(dst[k])));
        }
        const qint64 at = qint64(wordStart);
        pos += rowBytes;
        if (word.empty() || firstInvalidUtf8(word) != std::string_view::npos) {
            rows.drop();
            rows.tick(qint64(pos));
            out.skipRecord(path + QStringLiteral(": byte ") + QString::number(at),
                           word.empty() ? QStringLiteral("empty word; skipped")
                                        : QStringLiteral("word is not valid UTF-8; skipped"));
            continue;
        }
        ItemFields f;
        f.kind = ItemKind::Word;
        f.identity = word;
        f.key = word;
        f.title = word;
        qint64 first = 0;
        if (!rows.keep(f, at, &first))
            out.skipRecord(path + QStringLiteral(": byte ") + QString::number(at),
                           QStringLiteral("duplicate word %1 (first at byte %2); the later one is skipped")
                               .arg(quoted(word))
                               .arg(first));
        rows.tick(qint64(pos));
    }
    const size_t rest = data.find_first_not_of(" \t\r\n", pos);
    if (rest != std::string_view::npos)
        failAtByte(path, qint64(rest),
                   QStringLiteral("expected the end of the file after %1 words (as the header says)").arg(count));
    rows.finish("word2vec-binary");
}

// ---------------------------------------------------------------------------------------
// NumPy .npy

/// The header dict of a .npy file, parsed strictly: a Python literal with exactly the
/// keys 'descr', 'fortran_order' and 'shape'.
class NpyHeader final {
public:
    NpyHeader(const QString &path, std::string_view text, qint64 base) : m_path(path), m_s(text), m_base(base) { }

    QString descr;
    bool fortranOrder = false;
    std::vector<qint64> shape;
    qint64 descrAt = 0, fortranAt = 0, shapeAt = 0;

    void parse()
    {
        expect('{', "'{' opening the header dict");
        bool haveDescr = false, haveFortran = false, haveShape = false;
        for (;;) {
            if (eat('}'))
                break;
            space();
            const qint64 keyAt = at();
            const std::string_view key = string("a quoted key");
            expect(':', "':' after the key");
            space();
            bool *seen = nullptr;
            if (key == "descr") {
                seen = &haveDescr;
                descrAt = at();
                descr = qs(string("a quoted dtype such as '<f4'"));
            } else if (key == "fortran_order") {
                seen = &haveFortran;
                fortranAt = at();
                fortranOrder = boolean();
            } else if (key == "shape") {
                seen = &haveShape;
                shapeAt = at();
                tuple();
            } else {
                failAtByte(m_path, keyAt,
                           QStringLiteral("expected 'descr', 'fortran_order' or 'shape', found %1").arg(quoted(key)));
            }
            if (*seen)
                failAtByte(m_path, keyAt, QStringLiteral("expected each key once, found %1 again").arg(quoted(key)));
            *seen = true;
            if (eat(','))
                continue;
            expect('}', "',' or '}' after a value");
            break;
        }
        while (m_i < m_s.size() && (m_s[m_i] == ' ' || m_s[m_i] == '\n' || m_s[m_i] == '\0'))
            ++m_i;
        if (m_i != m_s.size())
            failAtByte(m_path, at(), QStringLiteral("expected only padding after the header dict"));
        if (!haveDescr || !haveFortran || !haveShape)
            failAtByte(
                m_path, at(),
                QStringLiteral("expected the keys 'descr', 'fortran_order' and 'shape' in the header, missing %1")
                    .arg(!haveDescr         ? QStringLiteral("'descr'")
                             : !haveFortran ? QStringLiteral("'fortran_order'")
                                            : QStringLiteral("'shape'")));
    }

private:
    qint64 at() const { return m_base + qint64(m_i); }
    void space()
    {
        while (m_i < m_s.size() && (m_s[m_i] == ' ' || m_s[m_i] == '\t' || m_s[m_i] == '\n'))
            ++m_i;
    }
    bool eat(char c)
    {
        space();
        if (m_i < m_s.size() && m_s[m_i] == c) {
            ++m_i;
            return true;
        }
        return false;
    }
    void expect(char c, const char *what)
    {
        if (!eat(c))
            failAtByte(m_path, at(), QStringLiteral("expected %1 in the .npy header").arg(QLatin1String(what)));
    }
    std::string_view string(const char *what)
    {
        const char q = m_i < m_s.size() ? m_s[m_i] : '\0';
        if (q != '\'' && q != '"')
            failAtByte(m_path, at(), QStringLiteral("expected %1").arg(QLatin1String(what)));
        const size_t end = m_s.find(q, m_i + 1);
        if (end == std::string_view::npos)
            failAtByte(m_path, at(), QStringLiteral("expected the closing quote of a string"));
        const std::string_view s = m_s.substr(m_i + 1, end - m_i - 1);
        m_i = end + 1;
        return s;
    }
    bool boolean()
    {
        if (m_s.substr(m_i).starts_with("True")) {
            m_i += 4;
            return true;
        }
        if (m_s.substr(m_i).starts_with("False")) {
            m_i += 5;
            return false;
        }
        failAtByte(m_path, at(), QStringLiteral("expected True or False for 'fortran_order'"));
    }
    void tuple()
    {
        expect('(', "'(' opening the shape tuple");
        for (;;) {
            if (eat(')'))
                return;
            space();
            const size_t start = m_i;
            while (m_i < m_s.size() && m_s[m_i] >= '0' && m_s[m_i] <= '9')
                ++m_i;
            qint64 v = 0;
            const auto [p, ec] = std::from_chars(m_s.data() + start, m_s.data() + m_i, v);
            if (m_i == start || ec != std::errc())
                failAtByte(m_path, m_base + qint64(start),
                           QStringLiteral("expected a non-negative integer in the shape tuple"));
            Q_UNUSED(p);
            if (m_i < m_s.size() && m_s[m_i] == 'L') // written by Python 2
                ++m_i;
            shape.push_back(v);
            if (eat(','))
                continue;
            expect(')', "',' or ')' in the shape tuple");
            return;
        }
    }

    const QString &m_path;
    std::string_view m_s;
    qint64 m_base;
    size_t m_i = 0;
};

void readNpy(const QString &path, ImportWriter &out)
{
    const FileBytes file(path);
    const std::string_view data = file.view();
    constexpr std::string_view magic = "\x93NUMPY";
    if (!data.starts_with(magic)) {
        size_t bad = 0;
        while (bad < magic.size() && bad < data.size() && data[bad] == magic[bad])
            ++bad;
        failAtByte(path, qint64(bad), QStringLiteral("expected the .npy magic \\x93NUMPY"));
    }
    if (data.size() < 10)
        failAtByte(path, qint64(data.size()), QStringLiteral("expected a version and a header length"));
    const auto u8 = [&](size_t i) { return quint64(static_cast<unsigned char>(data[i])); };
    const int major = int(u8(6)), minor = int(u8(7));
    if (major < 1 || major > 3 || minor != 0)
        failAtByte(path, 6, QStringLiteral("expected .npy version 1.0, 2.0 or 3.0, found %1.%2").arg(major).arg(minor));
    const size_t lenBytes = major == 1 ? 2 : 4;
    if (data.size() < 8 + lenBytes)
        failAtByte(path, qint64(data.size()), QStringLiteral("expected a header length"));
    quint64 headerLen = u8(8) | (u8(9) << 8);
    if (lenBytes == 4)
        headerLen |= (u8(10) << 16) | (u8(11) << 24);
    const size_t headerStart = 8 + lenBytes;
    if (headerLen > data.size() - headerStart)
        failAtByte(path, 8,
                   QStringLiteral("expected a header of %1 bytes, but the file ends after %2")
                       .arg(headerLen)
                       .arg(data.size() - headerStart));
    const std::string_view headerText = data.substr(headerStart, size_t(headerLen));
    if (major >= 3 ? firstInvalidUtf8(headerText) != std::string_view::npos
                   : std::any_of(headerText.begin(), headerText.end(),
                                 [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
        failAtByte(path, qint64(headerStart), QStringLiteral("expected an ASCII header dict"));
    }
    NpyHeader header(path, headerText, qint64(headerStart));
    header.parse();

    const QString &d = header.descr;
    const bool f4 = d == u"<f4" || d == u">f4";
    const bool f8 = d == u"<f8" || d == u">f8";
    if (!f4 && !f8)
        failAtByte(path, header.descrAt,
                   QStringLiteral("expected descr '<f4' or '<f8' (float32 or float64), found '%1'").arg(d));
    if (header.fortranOrder)
        failAtByte(path, header.fortranAt,
                   QStringLiteral("expected fortran_order False (C order); save the array with np.ascontiguousarray"));
    if (header.shape.size() != 2) {
        QString shape;
        for (const qint64 s : header.shape)
            shape += QString::number(s) + u',';
        failAtByte(path, header.shapeAt,
                   QStringLiteral("expected a 2-D shape (rows, dimension), found (%1)")
                       .arg(header.shape.size() == 1 ? shape : shape.chopped(1)));
    }
    const qint64 count = header.shape[0], dim = header.shape[1];
    if (dim < 1 || dim > std::numeric_limits<int>::max() / 4)
        failAtByte(path, header.shapeAt,
                   QStringLiteral("expected a dimension between 1 and %1, found %2")
                       .arg(std::numeric_limits<int>::max() / 4)
                       .arg(dim));
    const size_t itemBytes = f4 ? 4 : 8;
    const size_t dataStart = headerStart + size_t(headerLen);
    const size_t available = data.size() - dataStart;
    if (count > qint64(available / itemBytes) / dim)
        failAtByte(path, qint64(data.size()),
                   QStringLiteral("expected %1 x %2 values (%3 bytes) from byte %4, but the file ends after %5 bytes")
                       .arg(count)
                       .arg(dim)
                       .arg(QString::number(quint64(count) * quint64(dim) * itemBytes))
                       .arg(dataStart)
                       .arg(available));
    const size_t rowBytes = size_t(dim) * itemBytes;
    const size_t dataEnd = dataStart + size_t(count) * rowBytes;
    if (dataEnd != data.size())
        failAtByte(path, qint64(dataEnd),
                   QStringLiteral("expected the end of the file after %1 x %2 values").arg(count).arg(dim));
    if (exceedsSet(count, dim))
        failAtByte(path, header.shapeAt, tooLarge(count, dim));

    const std::unique_ptr<Metadata> meta = siblingMetadata(path);
    if (meta && meta->rows() != count) {
        if (meta->rows() > count)
            fail(meta->path, meta->lines[size_t(count)], 0, rowCountMessage(path, count, *meta));
        failAtByte(path, qint64(dataStart + size_t(meta->rows()) * rowBytes), rowCountMessage(path, count, *meta));
    }

    const bool swap = d.startsWith(u'>') != (std::endian::native == std::endian::big);
    Collector rows(out, path, ItemKind::Vector);
    rows.setDim(int(dim));
    rows.reserve(count);
    std::string attrs;
    const char *src = data.data() + dataStart;
    for (qint64 r = 0; r < count; ++r) {
        float *dst = rows.row();
        if (f4 && !swap) {
            // The common case: the row is already what the set stores.
            std::memcpy(dst, src, rowBytes);
            const float *bad = std::find_if(dst, dst + dim, [](float v) { return !std::isfinite(v); });
            if (bad != dst + dim)
                failAtByte(path, qint64(src - data.data()) + 4 * (bad - dst),
                           QStringLiteral("expected a finite value (row %1, column %2), found %3")
                               .arg(r)
                               .arg(bad - dst)
                               .arg(QString::number(*bad)));
            src += rowBytes;
        }
        for (qint64 k = 0; k < dim && !(f4 && !swap); ++k, src += itemBytes) {
            unsigned char b[8];
            std::memcpy(b, src, itemBytes);
            if (swap)
                std::reverse(b, b + itemBytes);
            float v;
            bool overflow = false; // a finite float64 beyond float32's range
            if (f4) {
                std::memcpy(&v, b, 4);
            } else {
                double w;
                std::memcpy(&w, b, 8);
                v = float(w);
                overflow = std::isfinite(w) && !std::isfinite(v);
            }
            if (!std::isfinite(v))
                failAtByte(path, qint64(src - data.data()),
                           QStringLiteral("expected a finite %1 (row %2, column %3), found %4")
                               .arg(overflow ? QStringLiteral("value within float32 range") : QStringLiteral("value"))
                               .arg(r)
                               .arg(k)
                               .arg(overflow ? QStringLiteral("a larger one") : QString::number(v)));
            dst[k] = v;
        }
        if (meta)
            keepVectorRow(rows, out, meta.get(), r, meta->path, meta->lines[size_t(r)], attrs);
        else
            keepVectorRow(rows, out, nullptr, r, path, r + 1, attrs); // row numbers never repeat
        rows.tick(qint64(src - data.data()));
    }
    rows.finish("npy", meta ? meta->path : QString());
}

} // namespace

void readVectors(const QString &path, ImportWriter &out)
{
    const QFileInfo info(path);
    if (info.isDir())
        return readVectors(QDir(path).filePath(QStringLiteral("vectors.tsv")), out);
    const QString suffix = info.suffix().toLower();
    const QByteArray headBytes = readHead(path, 6);
    if (suffix == u"npy" || headBytes.startsWith("\x93NUMPY"))
        return readNpy(path, out);
    if (info.fileName().compare(u"vectors.tsv", Qt::CaseInsensitive) == 0 || suffix == u"tsv")
        return readProjector(path, out);

    const FileBytes file(path);
    std::string_view data = file.view();
    size_t bodyStart = 0;
    if (data.starts_with("\xEF\xBB\xBF"))
        bodyStart = 3;
    const size_t eol = data.find('\n', bodyStart);
    const std::string_view first = data.substr(
        bodyStart, eol == std::string_view::npos ? std::string_view::npos : eol - bodyStart);
    qint64 count = 0, dim = 0;
    if (parseHeader(first, &count, &dim)) {
        checkDim(path, dim, 1);
        const size_t body = eol == std::string_view::npos ? data.size() : eol + 1;
        const std::string_view rest = data.substr(body);
        if (firstRowIsText(rest, dim) || looksLikeText(rest))
            return readWordText(path, data, true, count, dim, suffix == u"vec" ? "fasttext-vec" : "word2vec-text", out);
        return readWord2VecBinary(path, data, body, count, dim, out);
    }
    if (suffix == u"bin")
        fail(path, 1, 0, QStringLiteral("expected a word2vec header line \"COUNT DIMENSION\""));
    // A first line of tab-separated numbers is a vectors.tsv under another name.
    const std::string_view t = trimmed(first);
    if (t.find('\t') != std::string_view::npos) {
        bool numeric = true;
        size_t start = 0;
        for (;;) {
            const size_t tab = t.find('\t', start);
            float ignored = 0;
            if (parseFloat(
                    trimmed(t.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start)),
                    &ignored)
                == NumberError::NotNumber) {
                numeric = false;
                break;
            }
            if (tab == std::string_view::npos)
                break;
            start = tab + 1;
        }
        if (numeric)
            return readProjector(path, out);
    }
    readWordText(path, data, false, 0, 0, "glove", out);
}

} // namespace orrery::io
