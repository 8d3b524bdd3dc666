// Text documents: a folder with one document per file (the first sub-folder names the
// label, as in the BBC set), or one file with one document per line. Each document is an
// item with its text and a sequence of word items in reading order.
#include "base/tokenizer.h"
#include "io/readers.h"
#include "io/source.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

namespace orrery::io {

namespace {

class TextReader final {
public:
    explicit TextReader(ImportWriter &out) : m_out(out) { }

    void document(const std::string &key, std::string_view text, const QString &label)
    {
        const QString content = qs(text);
        m_entries.clear();
        Tokenizer::tokenize(content, [this](const QString &token) {
            auto it = m_words.constFind(token);
            if (it == m_words.cend()) {
                const QByteArray utf8 = token.toUtf8();
                const std::string_view word(utf8.constData(), size_t(utf8.size()));
                ItemFields f;
                f.kind = ItemKind::Word;
                f.identity = word;
                f.key = word;
                f.title = word;
                it = m_words.insert(token, m_out.item(f));
            }
            m_entries.push_back(*it);
        });
        // The first non-empty line is the title (BBC articles start with their headline).
        std::string_view title;
        LineReader lines(text);
        std::string_view line;
        while (lines.next(&line)) {
            if (!trimmed(line).empty()) {
                title = trimmed(line);
                break;
            }
        }
        if (title.size() > 200)
            title = title.substr(0, 200);
        std::string attrs;
        if (!label.isEmpty()) {
            attrs = "{\"label\":";
            appendJsonString(attrs, label.toStdString());
            attrs += '}';
        }
        ItemFields f;
        f.kind = ItemKind::Document;
        f.key = key;
        f.title = title;
        f.body = text;
        f.attrs = attrs;
        const qint64 id = m_out.sequence(f, m_entries);
        if (!label.isEmpty())
            m_out.tag(id, label.toStdString(), true);
    }

    void folder(const QString &root)
    {
        QStringList files;
        QDirIterator it(root, {QStringLiteral("*.txt"), QStringLiteral("*.TXT"), QStringLiteral("*.text")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            // A README beside the documents describes the corpus; it is not one of them.
            const QString name = it.fileInfo().fileName();
            if (!name.startsWith(u'.') && !name.startsWith(u"README", Qt::CaseInsensitive))
                files.append(file);
        }
        files.sort();
        // Both absolute: QDir::relativeFilePath returns a relative file name unchanged, which
        // would make "docs" the label of every document of `import p docs`.
        const QDir base(QFileInfo(root).absoluteFilePath());
        qint64 done = 0;
        for (const QString &file : std::as_const(files)) {
            const QString rel = base.relativeFilePath(QFileInfo(file).absoluteFilePath());
            const qsizetype slash = rel.indexOf(u'/');
            const QString label = slash > 0 ? rel.left(slash) : QString();
            QByteArray data = readFile(file);
            // Older corpora (the BBC set among them) are Latin-1; a file that is not UTF-8 is read as that.
            if (firstInvalidUtf8(std::string_view(data.constData(), size_t(data.size()))) != std::string_view::npos)
                data = QString::fromLatin1(data).toUtf8();
            document(rel.toStdString(), std::string_view(data.constData(), size_t(data.size())), label);
            done += data.size();
            m_out.advance(done);
        }
        if (files.isEmpty())
            fail(root, 0, 0, QStringLiteral("expected .txt files in this folder"));
    }

    void lines(const QString &path)
    {
        const QByteArray data = readFile(path);
        const std::string_view text(data.constData(), size_t(data.size()));
        requireUtf8(path, text);
        LineReader reader(text);
        std::string_view line;
        while (reader.next(&line)) {
            if (trimmed(line).empty())
                continue;
            document(std::to_string(reader.lineNumber()), line, {});
            if ((reader.lineNumber() & 255) == 0)
                m_out.advance(qint64(reader.offset()));
        }
        if (m_out.stats().sequences == 0)
            fail(path, 1, 0, QStringLiteral("expected at least one non-empty line (one document per line)"));
    }

private:
    ImportWriter &m_out;
    QHash<QString, qint64> m_words;
    std::vector<qint64> m_entries;
};

} // namespace

void readText(const QString &path, ImportWriter &out)
{
    TextReader reader(out);
    if (QFileInfo(path).isDir())
        reader.folder(path);
    else
        reader.lines(path);
}

} // namespace orrery::io
