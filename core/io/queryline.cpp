#include "queryline.h"

#include "base/error.h"

#include <simdjson.h>

namespace orrery::io {

namespace {

const QString shape = QStringLiteral("{\"id\":…,\"seeds\":[…]}");

void readKeys(simdjson::dom::element value, const char *field, const QString &where, QStringList *keys)
{
    simdjson::dom::array array;
    if (value.get_array().get(array))
        throw Error(where + QStringLiteral("expected \"%1\" to be an array of keys").arg(QLatin1String(field)));
    for (simdjson::dom::element key : array) {
        std::string_view text;
        int64_t whole = 0;
        uint64_t large = 0;
        if (!key.get_string().get(text))
            *keys << QString::fromUtf8(text.data(), qsizetype(text.size()));
        else if (!key.get_int64().get(whole))
            *keys << QString::number(whole);
        else if (!key.get_uint64().get(large))
            *keys << QString::number(large);
        else
            throw Error(where + QStringLiteral("expected \"%1\" to hold keys (strings)").arg(QLatin1String(field)));
    }
}

} // namespace

QueryLine parseQueryLine(const QByteArray &line, const QString &where)
{
    thread_local simdjson::dom::parser parser;
    const simdjson::padded_string padded(line.constData(), size_t(line.size()));
    simdjson::dom::element doc;
    if (const auto error = parser.parse(padded).get(doc))
        throw Error(where
                    + QStringLiteral("invalid JSON (%1); expected %2")
                          .arg(QString::fromUtf8(simdjson::error_message(error)), shape));
    simdjson::dom::object object;
    if (doc.get_object().get(object))
        throw Error(where + QStringLiteral("expected a JSON object ") + shape);
    QueryLine out;
    simdjson::dom::element id;
    if (object["id"].get(id))
        throw Error(where + QStringLiteral("expected an \"id\""));
    const std::string idJson = simdjson::minify(id);
    out.id = QByteArray(idJson.data(), qsizetype(idJson.size()));
    simdjson::dom::element seeds;
    if (object["seeds"].get(seeds))
        throw Error(where + QStringLiteral("expected \"seeds\" to be an array of keys"));
    readKeys(seeds, "seeds", where, &out.seeds);
    simdjson::dom::element negatives;
    if (!object["negatives"].get(negatives))
        readKeys(negatives, "negatives", where, &out.negatives);
    return out;
}

} // namespace orrery::io
