#include "store/itemterms.h"

#include "base/tokenizer.h"
#include "base/types.h"
#include "store/project.h"
#include "store/sqlite.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstring>
#include <unordered_map>

namespace orrery {

namespace {

class TermCollector final {
public:
    explicit TermCollector(Project &project)
        : m_item(project.db(), "SELECT kind, title, artist, attrs, body FROM item WHERE id = ?"),
          m_sequence(project.db(), "SELECT entries FROM sequence WHERE item_id = ?"),
          m_tags(project.db(),
                 "SELECT t.name FROM item_tag it JOIN tag t ON t.id = it.tag_id "
                 "WHERE it.item_id = ? AND t.kind = 'tag' GROUP BY t.id ORDER BY t.id")
    {
    }

    ItemTerms out;

    /// Appends the terms of item `id` to `sink`.
    void collect(qint64 id, std::vector<qint32> &sink)
    {
        m_item.bind(1, id);
        if (!m_item.step()) {
            m_item.reset();
            return;
        }
        const auto kind = ItemKind(m_item.columnInt(0));
        const QString title = m_item.columnText(1), artist = m_item.columnText(2), attrs = m_item.columnText(3);
        const QString body = kind == ItemKind::Document ? m_item.columnText(4) : QString();
        m_item.reset();
        switch (kind) {
        case ItemKind::Track:
            words(title, sink);
            whole(artist, sink);
            break;
        case ItemKind::Word: whole(title, sink); break;
        case ItemKind::Playlist:
            words(title, sink);
            for (const qint64 song : entries(id)) {
                const std::vector<qint32> &terms = songTerms(song);
                sink.insert(sink.end(), terms.begin(), terms.end());
            }
            break;
        case ItemKind::Document: {
            const std::vector<qint64> tokens = entries(id);
            if (tokens.empty()) {
                words(body, sink);
                break;
            }
            for (const qint64 token : tokens) {
                const std::vector<qint32> &terms = songTerms(token); // a word's own title, cached
                sink.insert(sink.end(), terms.begin(), terms.end());
            }
            break;
        }
        case ItemKind::Record:
        case ItemKind::Vector:
            if (!attrs.isEmpty())
                values(QJsonDocument::fromJson(attrs.toUtf8()).object(), sink);
            break;
        }
    }

private:
    qint32 term(const QString &text)
    {
        auto it = m_index.constFind(text);
        if (it != m_index.cend())
            return it.value();
        const qint32 index = qint32(out.vocabulary.size());
        out.vocabulary.push_back(text);
        m_index.insert(text, index);
        return index;
    }

    void words(const QString &text, std::vector<qint32> &sink)
    {
        if (text.isEmpty())
            return;
        io::Tokenizer::tokenize(text, [&](const QString &token) {
            if (token.size() > 1 && !io::Tokenizer::isStopWord(token))
                sink.push_back(term(token));
        });
    }

    void whole(const QString &text, std::vector<qint32> &sink)
    {
        const QString trimmed = text.trimmed();
        if (trimmed.isEmpty())
            return;
        if (trimmed.size() > 1 && !io::Tokenizer::isStopWord(trimmed.toCaseFolded()))
            sink.push_back(term(trimmed));
    }

    void value(const QJsonValue &v, std::vector<qint32> &sink)
    {
        if (v.isString()) {
            const QString text = v.toString().trimmed();
            if (text.count(u' ') < 3 && text.size() <= 40)
                whole(text, sink);
            else
                words(text, sink);
        } else if (v.isArray()) {
            for (const QJsonValue &e : v.toArray())
                value(e, sink);
        } else if (v.isObject()) {
            values(v.toObject(), sink);
        }
    }

    void values(const QJsonObject &o, std::vector<qint32> &sink)
    {
        for (auto it = o.begin(); it != o.end(); ++it)
            value(it.value(), sink);
    }

    std::vector<qint64> entries(qint64 id)
    {
        std::vector<qint64> ids;
        m_sequence.bind(1, id);
        if (m_sequence.step()) {
            m_sequence.columnArray(0, ids);
        }
        m_sequence.reset();
        return ids;
    }

    /// A song's (or a word's) terms, plus a song's tags, read once per item.
    const std::vector<qint32> &songTerms(qint64 id)
    {
        auto [it, inserted] = m_cache.try_emplace(id);
        if (!inserted)
            return it->second;
        std::vector<qint32> terms;
        collect(id, terms);
        m_item.bind(1, id);
        const bool song = m_item.step() && ItemKind(m_item.columnInt(0)) == ItemKind::Track;
        m_item.reset();
        if (song) {
            m_tags.bind(1, id);
            while (m_tags.step())
                whole(m_tags.columnText(0), terms);
            m_tags.reset();
        }
        auto &slot = m_cache[id];
        slot = std::move(terms);
        return slot;
    }

    sql::Statement m_item, m_sequence, m_tags;
    QHash<QString, qint32> m_index;
    std::unordered_map<qint64, std::vector<qint32>> m_cache;
};

} // namespace

ItemTerms itemTerms(Project &project, const std::vector<qint64> &ids, JobContext &job)
{
    TermCollector collector(project);
    collector.out.offsets.reserve(ids.size() + 1);
    for (size_t i = 0; i < ids.size(); ++i) {
        if ((i & 1023) == 0) {
            job.checkCancelled();
            job.progress(qint64(i), qint64(ids.size()), QStringLiteral("reading terms"));
        }
        collector.collect(ids[i], collector.out.terms);
        collector.out.offsets.push_back(qint64(collector.out.terms.size()));
    }
    job.progress(qint64(ids.size()), qint64(ids.size()), QStringLiteral("reading terms"));
    return std::move(collector.out);
}

} // namespace orrery
