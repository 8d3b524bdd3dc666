// JSON records: a top-level array of objects (streamed element by element), JSON Lines,
// or a single object. Each record keeps its whole nested value as the item's attributes.
#include "io/jsonstream.h"
#include "io/readers.h"
#include "io/source.h"

#include <QFileInfo>

#include <simdjson.h>

namespace orrery::io {

namespace {

namespace dom = simdjson::dom;

constexpr std::string_view idFields[] = {"id", "_id", "key", "uuid", "identifier"};
constexpr std::string_view titleFields[] = {"title", "name", "label_name", "headline"};

std::string scalarText(dom::element v)
{
    std::string_view s;
    if (v.get_string().get(s) == simdjson::SUCCESS)
        return std::string(s);
    if (v.is_int64() || v.is_uint64())
        return simdjson::minify(v);
    return {};
}

/// A display title: a string field, or the first string inside an object field
/// (countries' `name` is `{"common": …, "official": …}`).
std::string titleOf(dom::object record)
{
    for (const std::string_view field : titleFields) {
        dom::element v;
        if (record.at_key(field).get(v))
            continue;
        std::string_view s;
        if (v.get_string().get(s) == simdjson::SUCCESS)
            return std::string(s);
        dom::object inner;
        if (v.get_object().get(inner) == simdjson::SUCCESS) {
            for (const auto member : inner)
                if (member.value.get_string().get(s) == simdjson::SUCCESS)
                    return std::string(s);
        }
    }
    return {};
}

class RecordReader final {
public:
    RecordReader(const QString &path, ImportWriter &out) : m_path(path), m_out(out) { }

    /// One record (any JSON value; objects are expected). `where` names it for warnings.
    void record(dom::element value, const QString &where)
    {
        const qint64 number = m_number++;
        dom::object object;
        if (value.get_object().get(object))
            return m_out.skipRecord(where, QStringLiteral("expected a JSON object as record %1; skipped").arg(number));
        std::string key;
        for (const std::string_view field : idFields) {
            dom::element v;
            if (object.at_key(field).get(v) == simdjson::SUCCESS) {
                key = scalarText(v);
                if (!key.empty())
                    break;
            }
        }
        if (key.empty())
            key = std::to_string(number);
        if (m_out.find(ItemKind::Record, key))
            return m_out.skipRecord(where, QStringLiteral("duplicate record id \"%1\"; skipped").arg(qs(key)));
        const std::string title = titleOf(object);
        const std::string attrs = simdjson::minify(value);
        ItemFields f;
        f.kind = ItemKind::Record;
        f.key = key;
        f.title = title.empty() ? std::string_view(key) : std::string_view(title);
        f.attrs = attrs;
        m_out.item(f);
    }

    void readStream()
    {
        JsonStream stream(m_path);
        const char first = stream.peek();
        if (first == 0)
            fail(m_path, 1, 1, QStringLiteral("empty file; expected a JSON array, JSON Lines or an object"));
        if (first != '[' && first != '{')
            stream.failHere(QStringLiteral("expected a JSON array or object"));
        const auto parseAt = [&](std::string_view raw) {
            dom::element value;
            if (const auto e = m_parser.parse(raw.data(), raw.size(), false).get(value))
                stream.failAt(raw.data(),
                              QStringLiteral("invalid JSON: %1").arg(QLatin1String(simdjson::error_message(e))));
            return value;
        };
        if (stream.consume('[')) {
            if (!stream.consume(']')) {
                do {
                    const std::string_view raw = stream.nextValue();
                    const auto [line, column] = stream.lineColumn(raw.data());
                    record(parseAt(raw), location(m_path, line, column));
                    m_out.advance(stream.bytesRead());
                } while (stream.consume(','));
                stream.expect(']', "',' or ']' in the top-level array");
            }
        } else {
            const std::string_view raw = stream.nextValue();
            record(parseAt(raw), location(m_path, 1, 1));
        }
        if (stream.peek() != 0)
            stream.failHere(
                QStringLiteral("unexpected data after the top-level value (JSON Lines need one record per line)"));
    }

    void readLines(const QByteArray &data)
    {
        const std::string_view text(data.constData(), size_t(data.size()));
        LineReader lines(text);
        std::string_view line;
        std::string padded;
        while (lines.next(&line)) {
            if (trimmed(line).empty())
                continue;
            padded.assign(line);
            padded.append(simdjson::SIMDJSON_PADDING, ' ');
            const QString where = location(m_path, lines.lineNumber());
            dom::element value;
            if (const auto e = m_parser.parse(padded.data(), line.size(), false).get(value)) {
                ++m_number;
                m_out.skipRecord(
                    where,
                    QStringLiteral("invalid JSON: %1; line skipped").arg(QLatin1String(simdjson::error_message(e))));
                continue;
            }
            record(value, where);
            if ((m_number & 1023) == 0)
                m_out.advance(qint64(lines.offset()));
        }
    }

    void read()
    {
        const QString suffix = QFileInfo(m_path).suffix().toLower();
        bool jsonLines = suffix == u"jsonl" || suffix == u"ndjson";
        if (!jsonLines) {
            // Content decides too: a first line that is a whole object followed by more lines.
            const QByteArray head = readHead(m_path, 1 << 16);
            const qsizetype newline = head.indexOf('\n');
            if (newline > 0 && head.trimmed().startsWith('{')) {
                const QByteArray firstLine = head.left(newline).trimmed();
                std::string padded(firstLine.constData(), size_t(firstLine.size()));
                padded.append(simdjson::SIMDJSON_PADDING, ' ');
                dom::element v;
                jsonLines = firstLine.size() > 1
                    && m_parser.parse(padded.data(), size_t(firstLine.size()), false).get(v) == simdjson::SUCCESS
                    && !head.mid(newline).trimmed().isEmpty();
            }
        }
        if (!jsonLines)
            return readStream();
        const QByteArray data = readFile(m_path);
        requireUtf8(m_path, std::string_view(data.constData(), size_t(data.size())));
        readLines(data);
    }

private:
    QString m_path;
    ImportWriter &m_out;
    dom::parser m_parser;
    qint64 m_number = 0;
};

} // namespace

void readJson(const QString &path, ImportWriter &out)
{
    RecordReader(path, out).read();
}

} // namespace orrery::io
